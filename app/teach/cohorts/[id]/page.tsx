import type { Metadata } from 'next';
import Link from 'next/link';
import { Download, Pencil, Radio, X } from 'lucide-react';
import { pageRequiresRole } from '@/app/_lib/guards';
import { allLessons } from '@/app/_lib/content';
import { now } from '@/app/_lib/clock';
import { CATEGORIES, type CategoryId } from '@/content/schema';
import { getDb } from '@/prisma/db';
import { DRILL_MAX_MINUTES, faultDrillOptions, loadScenarios } from '@/content/scenarios';
import { formatDuration } from '@/app/sandbox/scenarios/attempts';
import { cohortDashboard, cohortFor, cohortsFor, formValuesOf } from '../../_lib/cohorts';
import { HINT_POLICY_LABEL, scenarioTarget, type AssignmentState } from '../../_lib/assignmentStatus';
import type { ScenarioState } from '../../_lib/scenarioFigures';
import { orPage } from '../../_lib/access';
import { SortableTable, type Row } from '../../_components/SortableTable';
import { MockScoreChart, ReadinessChart } from '../../_components/CohortCharts';
import { AssignmentForm, DeleteAssignmentButton, MoveStudentForm, RemoveStudentButton } from '../../_components/CohortForms';
import { givenTo } from '../../_lib/tables';

export const metadata: Metadata = { title: 'Cohort' };
export const dynamic = 'force-dynamic';

const STATE_STYLE: Record<AssignmentState, string> = {
  done: 'bg-emerald-100 text-emerald-900',
  late: 'bg-amber-100 text-amber-900',
  'in-progress': 'bg-sky-100 text-sky-900',
  missing: 'bg-red-100 text-red-900',
  open: 'bg-slate-100 text-slate-700',
  upcoming: 'bg-slate-50 text-slate-500',
};
const STATE_LABEL: Record<AssignmentState, string> = { done: 'done', late: 'late', 'in-progress': 'in progress', missing: 'missing', open: 'open', upcoming: 'not open' };
const SCENARIO_STYLE: Record<ScenarioState, string> = { passed: 'bg-emerald-100 text-emerald-900', 'in-progress': 'bg-sky-100 text-sky-900', 'gave-up': 'bg-slate-100 text-slate-700' };
const SCENARIO_LABEL: Record<ScenarioState, string> = { passed: 'fixed', 'in-progress': 'in progress', 'gave-up': 'gave up' };
const fixTime = (ms: number | null) => (ms === null ? '–' : formatDuration(ms));
const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null);
const when = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';

function CsvLink({ id, table }: { id: string; table: string }) {
  return (
    <a href={`/teach/cohorts/${id}/csv/${table}`} className="btn-ghost text-xs" data-testid={`csv-${table}`} download>
      <Download className="h-3.5 w-3.5" aria-hidden />CSV
    </a>
  );
}

function Section({ title, id, table, children, note }: { title: string; id: string; table?: string; note?: string; children: React.ReactNode }) {
  return (
    <section className="card mt-6 p-4" aria-label={title}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 className="text-base font-semibold">{title}</h2>
        {table && <CsvLink id={id} table={table} />}
      </div>
      {note && <p className="mt-1 text-xs text-slate-500">{note}</p>}
      <div className="mt-3">{children}</div>
    </section>
  );
}

/** Who an assignment is given to, under its title: "Whole cohort" or "3 students: A, B, C…". */
function GivenTo({ chosen }: { chosen: { name: string; email: string }[] | null }) {
  if (!chosen) return <span className="block text-xs text-slate-500" data-testid="assignment-given-to">Whole cohort</span>;
  const names = chosen.map((c) => c.name || c.email);
  const shown = names.length > 3 ? `${names.slice(0, 3).join(', ')}…` : names.join(', ');
  return (
    <span className="block text-xs text-slate-500" title={givenTo({ chosen })} data-testid="assignment-given-to">
      {names.length ? `${names.length} student${names.length === 1 ? '' : 's'}: ${shown}` : 'No students left'}
    </span>
  );
}

export default async function CohortPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ edit?: string | string[]; left?: string | string[]; emptied?: string | string[] }> }) {
  const { id } = await params;
  const query = await searchParams;
  const editId = query.edit;
  // after Remove / Move (the student's row is gone): what happened, and the assignments deleted with them
  const left = query.left === 'removed' || query.left === 'moved' ? query.left : null;
  const emptied = typeof query.emptied === 'string' && /^\d{1,3}$/.test(query.emptied) ? Number(query.emptied) : 0;
  const viewer = await pageRequiresRole('instructor', `/teach/cohorts/${id}`);
  const db = getDb();
  const cohort = await orPage(cohortFor(db, viewer, id));
  const [d, mine] = await Promise.all([orPage(cohortDashboard(db, viewer, id, await now())), cohortsFor(db, viewer)]);
  const others = mine.filter((c) => c.id !== id);
  const cats: CategoryId[] = d.readiness.map((r) => r.category);
  const lessonChoices = allLessons().map((l) => ({ slug: l.slug, title: l.frontmatter.title }));
  const categoryChoices = cats.map((c) => ({ id: c, label: CATEGORIES[c].label }));
  const scenarioChoices = loadScenarios().map((x) => ({ id: x.id, title: x.title, minutes: x.timeBudgetMinutes }));
  const drillChoices = faultDrillOptions().map((o) => ({ key: o.key, title: o.title, modalityAe: o.modalityAe, minutes: o.source.timeBudgetMinutes }));
  const roster = d.students.map((s) => ({ userId: s.userId, name: s.name, email: s.email }));
  const editing = typeof editId === 'string' ? d.assignments.find((a) => a.id === editId) : undefined;

  const studentRows: Row[] = d.students.map((s) => ({
    id: s.userId,
    cells: {
      name: { sort: s.name, show: <span className="font-medium"><Link href={`/teach/students/${s.userId}`} className="text-brand-700 hover:underline">{s.name}</Link><span className="block text-xs font-normal text-slate-500">{s.email}</span></span> },
      lessons: { sort: s.lessons },
      answered: { sort: s.answered },
      accuracy: { sort: s.accuracy, show: s.accuracy === null ? '–' : `${s.accuracy}%` },
      ...Object.fromEntries(cats.map((c) => [c, { sort: s.mastery[c] ?? null, show: `${s.mastery[c] ?? 0}%` }])),
      mock: { sort: s.mockBest, show: s.mockBest === null ? '–' : `${s.mockBest}%` },
      last: { sort: day(s.lastActive) },
      ...Object.fromEntries(
        d.assignments.map((a, i) => {
          const st = s.statuses[i];
          if (!st) return [`a${i}`, { sort: null, show: <span className="text-slate-400" title="Given to other chosen students" data-testid="not-assigned">—</span> }];
          const score = st.score === undefined ? '' : ` · ${st.score} pts`;
          return [`a${i}`, { sort: st.state, show: <span className={`badge ${STATE_STYLE[st.state]}`} title={a.kind === 'practice' ? `${st.done} of ${st.of} items` : st.score !== undefined ? `Assignment score ${st.score} of 100` : undefined}>{STATE_LABEL[st.state]}{a.kind === 'practice' && st.state !== 'done' && st.state !== 'late' ? ` ${st.done}/${st.of}` : ''}{score}</span>}];
        }),
      ),
      actions: {
        sort: null,
        show: (
          <div className="flex min-w-max items-center gap-1">
            {others.length > 0 && <MoveStudentForm cohortId={id} userId={s.userId} name={s.name} others={others.map((o) => ({ id: o.id, name: o.name }))} />}
            <RemoveStudentButton cohortId={id} userId={s.userId} name={s.name} />
          </div>
        ),
      },
    },
  }));

  return (
    <div data-testid="cohort-page">
      <p className="text-sm"><Link href="/teach" className="text-brand-700 hover:underline">Teach</Link> / cohort</p>
      <h1 className="mt-1 text-2xl font-semibold tracking-tight">{cohort.name}</h1>
      <div className="mt-1 flex flex-wrap items-center justify-between gap-2">
        <p className="text-slate-600">{cohort.term} · {d.students.length} student{d.students.length === 1 ? '' : 's'} · instructor {cohort.instructor.name}</p>
        <Link href={`/teach/cohorts/${id}/lab`} className="btn-secondary text-sm" data-testid="live-lab-link"><Radio className="h-4 w-4" aria-hidden />Live lab</Link>
      </div>
      <div className="card mt-4 flex flex-wrap items-center gap-x-6 gap-y-2 p-4">
        <div>
          <p className="text-xs font-medium uppercase tracking-wide text-slate-500">Join code</p>
          <p className="font-mono text-xl font-semibold tracking-wider" data-testid="cohort-join-code">{cohort.joinCode}</p>
        </div>
        <div className="min-w-0">
          <p className="text-xs font-medium uppercase tracking-wide text-slate-500">Join link</p>
          <p className="break-all font-mono text-sm text-slate-800" data-testid="cohort-join-link">/join/{cohort.joinCode}</p>
        </div>
      </div>

      {left && (
        <p role="status" className="mt-4 rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900" data-testid="student-left">
          Student {left} {left === 'moved' ? 'to the other cohort' : 'from the cohort'}.
          {emptied > 0 && ` ${emptied === 1 ? 'One assignment was' : `${emptied} assignments were`} given only to them and ${emptied === 1 ? 'has' : 'have'} been deleted (recorded in the audit log).`}
        </p>
      )}

      <Section title="Assignments" id={id} table="assignments">
        <SortableTable
          label="Assignments"
          testId="assignments-table"
          empty="Nothing assigned yet."
          columns={[{ key: 'title', label: 'Assignment' }, { key: 'opens', label: 'Opens' }, { key: 'due', label: 'Due' }, { key: 'done', label: 'Done', numeric: true }, { key: 'late', label: 'Late', numeric: true }, { key: 'running', label: 'In progress', numeric: true }, { key: 'missing', label: 'Missing', numeric: true }, { key: 'del', label: '' }]}
          rows={d.assignments.map((a) => ({
            id: a.id,
            cells: {
              title: { sort: a.title, show: <span><a href={a.href} className="text-brand-700 hover:underline">{a.title}</a>{a.kind === 'scenario' && <ScenarioOptions target={a.target} />}<GivenTo chosen={a.chosen} /></span> },
              opens: { sort: a.opensAt.toISOString(), show: when(a.opensAt) },
              due: { sort: a.dueAt.toISOString(), show: when(a.dueAt) },
              done: { sort: a.counts.done, show: <span title={`${a.counts.done} of the ${a.assigned} student${a.assigned === 1 ? '' : 's'} it is given to`}>{a.counts.done}<span className="text-slate-400"> / {a.assigned}</span></span> },
              late: { sort: a.counts.late },
              running: { sort: a.counts['in-progress'] },
              missing: { sort: a.counts.missing },
              del: {
                sort: null,
                show: (
                  <div className="flex items-center gap-1">
                    <Link href={`/teach/cohorts/${id}?edit=${a.id}#edit-assignment`} scroll={false} className="btn-ghost text-xs" aria-label={`Edit ${a.title}`} data-testid="edit-assignment-link"><Pencil className="h-3.5 w-3.5" aria-hidden />Edit</Link>
                    <DeleteAssignmentButton cohortId={id} assignmentId={a.id} title={a.title} />
                  </div>
                ),
              },
            },
          }))}
        />
        {editing && (
          <div id="edit-assignment" className="mt-4 rounded-lg border border-brand-100 bg-brand-50/50 p-4" data-testid="edit-assignment-panel">
            <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
              <h3 className="text-sm font-semibold">Edit “{editing.title}”</h3>
              <Link href={`/teach/cohorts/${id}`} scroll={false} className="btn-ghost text-xs"><X className="h-3.5 w-3.5" aria-hidden />Close</Link>
            </div>
            <AssignmentForm
              key={editing.id}
              cohortId={id}
              lessons={lessonChoices}
              categories={categoryChoices}
              scenarios={scenarioChoices}
              drills={drillChoices}
              drillMaxMinutes={DRILL_MAX_MINUTES}
              roster={roster}
              edit={{ id: editing.id, values: formValuesOf(editing), opensAt: editing.opensAt.toISOString(), dueAt: editing.dueAt.toISOString() }}
            />
          </div>
        )}
        <div className="mt-4 border-t border-slate-200 pt-4">
          <h3 className="mb-2 text-sm font-semibold">New assignment</h3>
          <AssignmentForm cohortId={id} lessons={lessonChoices} categories={categoryChoices} scenarios={scenarioChoices} drills={drillChoices} drillMaxMinutes={DRILL_MAX_MINUTES} roster={roster} />
        </div>
      </Section>

      <Section title="Students" id={id} table="students" note="Mastery: share of the category’s bank items whose latest answer was right. Assignment status: done by the due date, late after it, in progress while a scenario attempt runs, missing when past due and not done; — when it is given to other chosen students.">
        <SortableTable
          label="Students"
          testId="students-table"
          empty="No students yet: share the join code or link."
          columns={[
            { key: 'name', label: 'Student', pin: 'left' },
            { key: 'lessons', label: 'Lessons', numeric: true },
            { key: 'answered', label: 'Items', numeric: true },
            { key: 'accuracy', label: 'Accuracy', numeric: true },
            ...cats.map((c) => ({ key: c, label: CATEGORIES[c].label, numeric: true })),
            { key: 'mock', label: 'Best mock', numeric: true },
            { key: 'last', label: 'Last active' },
            ...d.assignments.map((a, i) => ({ key: `a${i}`, label: a.title })),
            { key: 'actions', label: '', pin: 'right' },
          ]}
          rows={studentRows}
        />
      </Section>

      <div className="grid gap-0 lg:grid-cols-2 lg:gap-6">
        <Section title="Readiness by category" id={id} table="readiness" note="Share of students who have mastered at least 70% of the category’s items.">
          <ReadinessChart data={d.readiness} />
        </Section>
        <Section title="Mock-exam scores" id={id} table="mock-scores" note={`${d.mockBands.reduce((n, b) => n + b.count, 0)} submitted mock exams by percent correct.`}>
          <MockScoreChart data={d.mockBands} />
        </Section>
      </div>

      <Section title="Fault scenarios" id={id} table="scenarios" note="Scenarios assigned to the cohort or played by its students. Not started: of the students it is given to. Time to fix: a student’s first passing attempt, Start to the passing check; hints: those taken in it. Most-failed check: over every “Check my fix” of the cohort. Score (when hints cost points): 100 for a fix, less the cost of each hint taken; 0 until fixed.">
        <SortableTable
          label="Fault scenarios"
          testId="scenarios-table"
          empty="No fault scenario assigned or played yet."
          columns={[
            { key: 'title', label: 'Scenario' },
            { key: 'done', label: 'Fixed', numeric: true },
            { key: 'running', label: 'In progress', numeric: true },
            { key: 'gaveUp', label: 'Gave up', numeric: true },
            { key: 'notStarted', label: 'Not started', numeric: true },
            { key: 'fix', label: 'Median time to fix', numeric: true },
            { key: 'hints', label: 'Median hints', numeric: true },
            { key: 'check', label: 'Most-failed check' },
            ...(d.scenarios.some((x) => x.medianScore !== null) ? [{ key: 'score', label: 'Median score', numeric: true }] : []),
          ]}
          rows={d.scenarios.map((x) => ({
            id: x.scenarioId,
            cells: {
              title: { sort: x.title, show: <span className="block min-w-48"><Link href={`/sandbox/scenarios/${x.scenarioId}`} className="text-brand-700 hover:underline">{x.title}</Link>{x.assigned && <span className="badge ml-2 bg-brand-50 text-brand-700">assigned</span>}</span> },
              done: { sort: x.done },
              running: { sort: x.inProgress },
              gaveUp: { sort: x.gaveUp },
              notStarted: { sort: x.notStarted },
              fix: { sort: x.medianFixMs, show: fixTime(x.medianFixMs) },
              hints: { sort: x.medianHints },
              check: { sort: x.mostFailedCheck || null, show: x.mostFailedCheck ? <span className="block min-w-48 max-w-xs text-sm">{x.mostFailedCheck} <span className="text-slate-500">({x.mostFailedCount}×)</span></span> : '–' },
              score: { sort: x.medianScore, show: x.medianScore === null ? '–' : `${x.medianScore} / 100` },
            },
          }))}
        />
        <h3 className="mt-5 flex flex-wrap items-center justify-between gap-2 text-sm font-semibold">By student <CsvLink id={id} table="student-scenarios" /></h3>
        <div className="mt-2">
          <SortableTable
            label="Fault scenarios by student"
            testId="student-scenarios-table"
            empty="No student has started a fault scenario yet."
            columns={[
              { key: 'name', label: 'Student' },
              { key: 'title', label: 'Scenario' },
              { key: 'state', label: 'Status' },
              { key: 'attempts', label: 'Attempts', numeric: true },
              { key: 'fix', label: 'Time to fix', numeric: true },
              { key: 'hints', label: 'Hints', numeric: true },
              ...(d.studentScenarios.some((x) => x.score !== null) ? [{ key: 'score', label: 'Score', numeric: true }] : []),
            ]}
            rows={d.studentScenarios.map((x) => ({
              id: `${x.userId}-${x.scenarioId}`,
              cells: {
                name: { sort: x.name, show: <Link href={`/teach/students/${x.userId}`} className="font-medium text-brand-700 hover:underline">{x.name}</Link> },
                title: { sort: x.title },
                state: { sort: x.state, show: <span className={`badge ${SCENARIO_STYLE[x.state]}`}>{SCENARIO_LABEL[x.state]}</span> },
                attempts: { sort: x.attempts },
                fix: { sort: x.fixMs, show: fixTime(x.fixMs) },
                hints: { sort: x.hints },
                score: { sort: x.score, show: x.score === null ? '–' : `${x.score} / 100` },
              },
            }))}
          />
        </div>
      </Section>

      <Section title="Most-missed items" id={id} table="missed" note="Practice and mock answers; the distractor is the wrong answer chosen most often.">
        <SortableTable
          label="Most-missed items"
          testId="missed-table"
          empty="No missed items yet."
          columns={[{ key: 'item', label: 'Item' }, { key: 'category', label: 'Category' }, { key: 'wrong', label: 'Wrong', numeric: true }, { key: 'share', label: 'Wrong %', numeric: true }, { key: 'distractor', label: 'Most chosen distractor' }]}
          rows={d.missed.map((m) => ({
            id: m.questionId,
            cells: {
              item: { sort: m.questionId, show: <span className="block min-w-56 max-w-md"><span className="font-mono text-xs text-slate-500">{m.questionId}</span><span className="block text-sm">{m.stem}</span></span> },
              category: { sort: m.category },
              wrong: { sort: m.wrong, show: `${m.wrong} of ${m.answered}` },
              share: { sort: m.wrongShare, show: `${m.wrongShare}%` },
              distractor: { sort: m.distractor, show: m.distractor ? <span className="block min-w-48 max-w-xs text-sm">{m.distractor} <span className="text-slate-500">({m.distractorCount}×)</span></span> : '–' },
            },
          }))}
        />
      </Section>
    </div>
  );
}

/** A scenario assignment's options under its title: time budget and hint policy. */
function ScenarioOptions({ target }: { target: string }) {
  const t = scenarioTarget(target);
  if (!t) return null;
  return <span className="block text-xs text-slate-500">{t.minutes} min · {HINT_POLICY_LABEL[t.hints]}{t.hints === 'cost' ? ` (${t.cost} points each)` : ''}</span>;
}
