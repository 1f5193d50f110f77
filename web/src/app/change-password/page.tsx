import type { Metadata } from 'next';
import { ChangePasswordForm } from '@/components/change-password-form';
import { requireViewer } from '@/lib/session';

export const metadata: Metadata = { title: 'Change password' };

export default async function ChangePasswordPage() {
  const viewer = await requireViewer('/change-password', { allowPasswordChange: true });
  return (
    <div className="auth-card">
      <h1>Change your password</h1>
      {viewer.mustChangePassword ? (
        <p className="muted">Before you continue, replace the temporary password you were given.</p>
      ) : null}
      <ChangePasswordForm email={viewer.email} />
    </div>
  );
}
