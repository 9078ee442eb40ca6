// Status and priority badges for the RIS console, in the PACS console's palette (StudyStatusBadge).
const orderStyles: Record<string, string> = {
  scheduled: 'bg-sky-50 text-sky-800 ring-sky-200',
  'in-progress': 'bg-amber-50 text-amber-900 ring-amber-200',
  completed: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  discontinued: 'bg-red-50 text-red-800 ring-red-200',
  cancelled: 'bg-slate-100 text-slate-600 ring-slate-200',
  reported: 'bg-violet-50 text-violet-800 ring-violet-200',
};

export function OrderStatusBadge({ status }: { status: string }) {
  return <span className={`badge whitespace-nowrap ring-1 ${orderStyles[status] ?? orderStyles.cancelled}`}>{status}</span>;
}

const priorityStyles: Record<string, string> = {
  STAT: 'bg-red-600 text-white ring-red-600',
  HIGH: 'bg-amber-50 text-amber-900 ring-amber-200',
};

export function PriorityBadge({ priority }: { priority: string }) {
  return <span className={`badge ring-1 ${priorityStyles[priority] ?? 'bg-white text-slate-600 ring-slate-200'}`}>{priority}</span>;
}

const mppsStyles: Record<string, string> = {
  'IN PROGRESS': 'bg-amber-50 text-amber-900 ring-amber-200',
  COMPLETED: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  DISCONTINUED: 'bg-red-50 text-red-800 ring-red-200',
};

/** (0040,0252) Performed Procedure Step Status as the modality last reported it. */
export function MppsBadge({ status }: { status?: string }) {
  if (!status) return <span className="whitespace-nowrap text-xs text-slate-400">none yet</span>;
  return <span className={`badge whitespace-nowrap ring-1 ${mppsStyles[status] ?? 'bg-slate-100 text-slate-600 ring-slate-200'}`}>{status.toLowerCase()}</span>;
}

const readingStyles: Record<string, [string, string]> = {
  unread: ['unread', 'bg-sky-50 text-sky-800 ring-sky-200'],
  'in-progress': ['in progress', 'bg-amber-50 text-amber-900 ring-amber-200'],
  read: ['read', 'bg-slate-100 text-slate-700 ring-slate-200'],
  hold: ['on hold', 'bg-red-50 text-red-800 ring-red-200'],
};

export function ReadingBadge({ state }: { state: string }) {
  const [label, style] = readingStyles[state] ?? [state, readingStyles.read[1]];
  return <span className={`badge whitespace-nowrap ring-1 ${style}`}>{label}</span>;
}

const reportStyles: Record<string, [string, string]> = {
  none: ['no report', 'bg-white text-slate-500 ring-slate-200'],
  draft: ['draft', 'bg-amber-50 text-amber-900 ring-amber-200'],
  final: ['final', 'bg-emerald-50 text-emerald-800 ring-emerald-200'],
};

/** The report on a study: none, draft or final (signed). */
export function ReportBadge({ status }: { status?: string }) {
  const [label, style] = reportStyles[status ?? 'none'] ?? reportStyles.none;
  return <span className={`badge whitespace-nowrap ring-1 ${style}`}>{label}</span>;
}
