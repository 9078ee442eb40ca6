// The line above a study list: how many studies matched, and Previous / Page n of m / Next when there are more.
import Link from 'next/link';

export function StudyCountBar({ total, page, pages, pageLink, testId }: { total: number; page: number; pages: number; pageLink: (page: number) => string; testId: string }) {
  return (
    <div className="flex items-center justify-between px-4 py-3 text-sm text-slate-600">
      <span data-testid={testId}>{total} {total === 1 ? 'study' : 'studies'}</span>
      {pages > 1 && (
        <span className="flex items-center gap-2">
          {page > 1 && <Link className="btn-ghost px-2 py-1" href={pageLink(page - 1)}>Previous</Link>}
          Page {page} of {pages}
          {page < pages && <Link className="btn-ghost px-2 py-1" href={pageLink(page + 1)}>Next</Link>}
        </span>
      )}
    </div>
  );
}
