'use client';
import { useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { CheckCircle2, Loader2 } from 'lucide-react';
import { completeLesson } from './actions';

export function CompleteButton({ slug, completed }: { slug: string; completed: boolean }) {
  const [done, setDone] = useState(completed);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const router = useRouter();
  if (done) {
    return (
      <p className="inline-flex items-center gap-2 rounded-md bg-emerald-50 px-3 py-2 text-sm font-medium text-emerald-800 ring-1 ring-emerald-200" data-testid="lesson-completed">
        <CheckCircle2 className="h-4 w-4" aria-hidden /> Lesson completed
      </p>
    );
  }
  return (
    <div>
      <button
        type="button"
        className="btn-primary"
        disabled={pending}
        onClick={() =>
          start(async () => {
            const r = await completeLesson(slug);
            if (r.ok) {
              setDone(true);
              router.refresh();
            } else setError(r.error);
          })
        }
      >
        {pending && <Loader2 className="h-4 w-4 animate-spin" aria-hidden />}
        Mark lesson complete
      </button>
      {error && <p role="alert" className="mt-2 text-sm text-red-700">{error}</p>}
    </div>
  );
}
