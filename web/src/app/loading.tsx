// Shown at once while the server prepares the next page, so a tap on a slow phone answers.
export default function Loading() {
  return (
    <p className="muted" role="status">
      Loading…
    </p>
  );
}
