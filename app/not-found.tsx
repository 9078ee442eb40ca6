import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="mx-auto max-w-md py-16 text-center">
      <p className="text-sm font-semibold text-brand-700">404</p>
      <h1 className="mt-2 text-2xl font-semibold">Page not found</h1>
      <p className="mt-2 text-slate-600">Like a study sent to the wrong AE title, this page is not where you looked.</p>
      <Link href="/" className="btn-primary mt-6">Home</Link>
    </div>
  );
}
