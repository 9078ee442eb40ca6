import Link from 'next/link';
import { ShieldAlert } from 'lucide-react';

export default function Forbidden() {
  return (
    <div className="mx-auto max-w-md py-16 text-center" data-testid="forbidden">
      <ShieldAlert className="mx-auto h-10 w-10 text-amber-600" aria-hidden />
      <h1 className="mt-4 text-2xl font-semibold">You do not have access to this page</h1>
      <p className="mt-2 text-slate-600">It is for instructors and administrators. If you teach a class, ask your programme&apos;s administrator to give your account the instructor role.</p>
      <Link href="/learn" className="btn-primary mt-6">Back to lessons</Link>
    </div>
  );
}
