import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="notice">
      <h1>Page not found</h1>
      <p>
        <Link href="/">Back to your groups</Link>
      </p>
    </div>
  );
}
