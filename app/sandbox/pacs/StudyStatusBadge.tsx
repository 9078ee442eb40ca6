const styles: Record<string, string> = {
  received: 'bg-sky-50 text-sky-800 ring-sky-200',
  unverified: 'bg-amber-50 text-amber-900 ring-amber-200',
  hold: 'bg-red-50 text-red-800 ring-red-200',
  verified: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  read: 'bg-slate-100 text-slate-700 ring-slate-200',
};

export function StudyStatusBadge({ status }: { status: string }) {
  return <span className={`badge ring-1 ${styles[status] ?? styles.read}`}>{status}</span>;
}
