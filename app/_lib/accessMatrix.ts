// The access-control matrix (issue 11): who may reach what, as data. Rows are every web page (app/**/page.tsx),
// every route handler (app/**/route.ts) and every server action (each export of a 'use server' file); columns are
// the actors below. app/_lib/accessMatrix.test.ts fails when a page, route or action exists without a row here;
// e2e/access.spec.ts walks every row over HTTP against the real server with each actor's session and asserts
// every cell. URLs carry {placeholders} the spec fills from the accounts and data it makes.
//
// Outcomes. Pages: 200; 'signin' (a redirect to /sign-in: not signed in); 403 (Next's forbidden page); 404.
// Route handlers: the HTTP status (200 stands for any 2xx: an empty search is 204). Server actions answer with a result, not a status: 'ok' (it ran); 401 / 403, a
// refusal whose message says so in words (sign in / not yours, not your role); 'error', a refusal past the access
// check (no such record, a field not valid): the actor may use the action, the test's input changes nothing;
// 'thrown': the action throws its refusal (the cohort page's plain <form action> buttons), which Next answers with a
// bare 500 and its error page; the spec then checks that nothing changed (see the report: a defect, not a hole).
// 'own' / 'demo': a 200 page that works in the student's sandbox / in the demo (the cookie naming the student's
// sandbox was ignored, PS: currentSandbox()).

/** anon: no session at all; guest: a better-auth anonymous session; student: owns the sandbox and is in the
 * instructor's cohort; other: another student with their own sandbox; instructor: owns the cohort; instructor2:
 * another instructor (another cohort); admin. */
export const ACTORS = ['anon', 'guest', 'student', 'other', 'instructor', 'instructor2', 'admin'] as const;
export type Actor = (typeof ACTORS)[number];

export type PageOutcome = 200 | 'signin' | 403 | 404 | 'own' | 'demo';
export type ActionOutcome = 'ok' | 401 | 403 | 'error' | 'thrown';

type Cells<T> = Record<Actor, T>;

export interface PageRow {
  /** the page file, relative to the project root */
  file: string;
  url: string;
  /** send a sandbox cookie naming the student's sandbox (a forged choice for everyone but its owner and instructors) */
  studentSandboxCookie?: boolean;
  expect: Cells<PageOutcome>;
  why?: string;
}

export interface RouteRow {
  file: string;
  method: 'GET' | 'POST';
  url: string;
  /** a JSON body, or a named body the spec knows how to build */
  body?: unknown;
  contentType?: string;
  studentSandboxCookie?: boolean;
  expect: Cells<number>;
  why?: string;
}

export interface ActionRow {
  /** the 'use server' file and the export */
  file: string;
  action: string;
  /** FormData fields ({placeholders} allowed) for (prev, form) actions, or the JSON arguments of (input) actions */
  form?: Record<string, string>;
  args?: unknown[];
  /** void (form) => … actions that take the form as their only argument */
  formOnly?: boolean;
  studentSandboxCookie?: boolean;
  /** actors the walk leaves out, for a reason given in `why` (the call would end the state the walk needs) */
  skip?: Actor[];
  expect: Cells<ActionOutcome>;
  why?: string;
}

const cells = <T,>(base: T, over: Partial<Cells<T>> = {}): Cells<T> => ({ anon: base, guest: base, student: base, other: base, instructor: base, instructor2: base, admin: base, ...over });
/** a page any signed-in account (not a guest) may open */
const accountsOnly = <T,>(ok: T, out: T) => cells(ok, { anon: out, guest: out });
const instructorsOnly = <T,>(ok: T, out: T, denied: T) => cells(denied, { anon: out, guest: out, instructor: ok, instructor2: ok, admin: ok });

export const PAGES: PageRow[] = [
  { file: 'app/page.tsx', url: '/', expect: cells(200) },
  { file: 'app/(auth)/sign-in/page.tsx', url: '/sign-in', expect: cells(200) },
  { file: 'app/(auth)/sign-up/page.tsx', url: '/sign-up', expect: cells(200) },
  { file: 'app/account/page.tsx', url: '/account', expect: cells(200) },
  { file: 'app/admin/users/page.tsx', url: '/admin/users', expect: cells<PageOutcome>(403, { anon: 'signin', guest: 'signin', admin: 200 }) },
  { file: 'app/join/[code]/page.tsx', url: '/join/{joinCode}', expect: cells(200) },
  { file: 'app/learn/page.tsx', url: '/learn', expect: cells(200) },
  { file: 'app/learn/[slug]/page.tsx', url: '/learn/{lessonSlug}', expect: cells(200) },
  { file: 'app/learn/[slug]/page.tsx', url: '/learn/no-such-lesson', expect: cells(404) },
  { file: 'app/practice/page.tsx', url: '/practice?set=1', expect: cells(200) },
  { file: 'app/practice/mock/page.tsx', url: '/practice/mock', expect: cells(200) },
  { file: 'app/practice/mock/[id]/page.tsx', url: '/practice/mock/{mockId}', expect: cells<PageOutcome>(404, { student: 200 }), why: "another person's mock exam does not exist for them" },
  { file: 'app/practice/review/page.tsx', url: '/practice/review', expect: cells(200) },
  { file: 'app/teach/page.tsx', url: '/teach', expect: instructorsOnly<PageOutcome>(200, 'signin', 403) },
  { file: 'app/teach/cohorts/[id]/page.tsx', url: '/teach/cohorts/{cohortId}', expect: cells<PageOutcome>(403, { anon: 'signin', guest: 'signin', instructor: 200, admin: 200 }), why: "another instructor's cohort: 403" },
  { file: 'app/teach/cohorts/[id]/page.tsx', url: '/teach/cohorts/no-such-cohort', expect: cells<PageOutcome>(403, { anon: 'signin', guest: 'signin', instructor: 404, instructor2: 404, admin: 404 }) },
  { file: 'app/teach/cohorts/[id]/lab/page.tsx', url: '/teach/cohorts/{cohortId}/lab', expect: cells<PageOutcome>(403, { anon: 'signin', guest: 'signin', instructor: 200, admin: 200 }), why: "another instructor's cohort: 403" },
  { file: 'app/teach/students/[userId]/page.tsx', url: '/teach/students/{studentId}', expect: cells<PageOutcome>(403, { anon: 'signin', guest: 'signin', student: 200, instructor: 200, admin: 200 }), why: "another student's results, another cohort's student: 403" },
  // the shared demo: open to everyone, guests included
  { file: 'app/sandbox/page.tsx', url: '/sandbox', expect: cells(200) },
  { file: 'app/sandbox/page.tsx', url: '/sandbox', studentSandboxCookie: true, expect: cells<PageOutcome>('demo', { student: 'own', instructor: 'own', instructor2: 'own', admin: 'own' }), why: "a cookie naming another student's sandbox is ignored" },
  { file: 'app/sandbox/compression/page.tsx', url: '/sandbox/compression', expect: cells(200) },
  { file: 'app/sandbox/pacs/page.tsx', url: '/sandbox/pacs', studentSandboxCookie: true, expect: cells<PageOutcome>('demo', { student: 'own', instructor: 'own', instructor2: 'own', admin: 'own' }) },
  { file: 'app/sandbox/pacs/storage/page.tsx', url: '/sandbox/pacs/storage', studentSandboxCookie: true, expect: cells<PageOutcome>('demo', { student: 'own', instructor: 'own', instructor2: 'own', admin: 'own' }) },
  { file: 'app/sandbox/pacs/network-log/page.tsx', url: '/sandbox/pacs/network-log', studentSandboxCookie: true, expect: cells<PageOutcome>('demo', { student: 'own', instructor: 'own', instructor2: 'own', admin: 'own' }) },
  { file: 'app/sandbox/pacs/nodes/page.tsx', url: '/sandbox/pacs/nodes', studentSandboxCookie: true, expect: cells<PageOutcome>('demo', { student: 'own', instructor: 'own', instructor2: 'own', admin: 'own' }) },
  { file: 'app/sandbox/pacs/studies/[uid]/page.tsx', url: '/sandbox/pacs/studies/{studyUid}', studentSandboxCookie: true, expect: cells<PageOutcome>(404, { student: 'own', instructor: 'own', instructor2: 'own', admin: 'own' }), why: "a study in the student's archive is not found from the demo" },
  { file: 'app/sandbox/reading/page.tsx', url: '/sandbox/reading', studentSandboxCookie: true, expect: cells<PageOutcome>('demo', { student: 'own', instructor: 'own', instructor2: 'own', admin: 'own' }) },
  { file: 'app/sandbox/reading/[studyInstanceUid]/page.tsx', url: '/sandbox/reading/{studyUid}', studentSandboxCookie: true, expect: cells<PageOutcome>(404, { student: 'own', instructor: 'own', instructor2: 'own', admin: 'own' }) },
  { file: 'app/sandbox/ris/page.tsx', url: '/sandbox/ris', studentSandboxCookie: true, expect: cells<PageOutcome>('demo', { student: 'own', instructor: 'own', instructor2: 'own', admin: 'own' }) },
  { file: 'app/sandbox/ris/worklist/page.tsx', url: '/sandbox/ris/worklist', studentSandboxCookie: true, expect: cells<PageOutcome>('demo', { student: 'own', instructor: 'own', instructor2: 'own', admin: 'own' }) },
  { file: 'app/sandbox/ris/interfaces/page.tsx', url: '/sandbox/ris/interfaces', studentSandboxCookie: true, expect: cells<PageOutcome>('demo', { student: 'own', instructor: 'own', instructor2: 'own', admin: 'own' }) },
  { file: 'app/sandbox/modality/[ae]/page.tsx', url: '/sandbox/modality/CT1', studentSandboxCookie: true, expect: cells<PageOutcome>('demo', { student: 'own', instructor: 'own', instructor2: 'own', admin: 'own' }) },
  { file: 'app/sandbox/modality/[ae]/page.tsx', url: '/sandbox/modality/NOSUCH', expect: cells(404) },
  { file: 'app/sandbox/modality/[ae]/exams/page.tsx', url: '/sandbox/modality/CT1/exams', expect: cells(200) },
  { file: 'app/sandbox/modality/[ae]/exams/[id]/page.tsx', url: '/sandbox/modality/CT1/exams/nosuchexam', expect: cells(404) },
  { file: 'app/sandbox/modality/[ae]/network/page.tsx', url: '/sandbox/modality/CT1/network', expect: cells(200) },
  { file: 'app/sandbox/modality/[ae]/queue/page.tsx', url: '/sandbox/modality/CT1/queue', expect: cells(200) },
  { file: 'app/sandbox/scenarios/page.tsx', url: '/sandbox/scenarios', expect: cells(200) },
  { file: 'app/sandbox/scenarios/[id]/page.tsx', url: '/sandbox/scenarios/{scenarioId}', expect: cells(200) },
  { file: 'app/sandbox/scenarios/[id]/page.tsx', url: '/sandbox/scenarios/no-such-scenario', expect: cells(404) },
  { file: 'app/sandbox/viewer/page.tsx', url: '/sandbox/viewer', studentSandboxCookie: true, expect: cells<PageOutcome>('demo', { student: 'own', instructor: 'own', instructor2: 'own', admin: 'own' }) },
];

/** DICOMweb on the student's archive: its owner and instructors (they follow every student) only. */
const studentArchive = (ok: number) => cells(403, { anon: 401, student: ok, instructor: ok, instructor2: ok, admin: ok });

export const ROUTES: RouteRow[] = [
  { file: 'app/api/health/route.ts', method: 'GET', url: '/api/health', expect: cells(200) },
  { file: 'app/api/answers/route.ts', method: 'POST', url: '/api/answers', body: 'validAnswer', expect: cells(200, { anon: 401 }), why: 'a guest session will do' },
  { file: 'app/api/auth/[...all]/route.ts', method: 'GET', url: '/api/auth/get-session', expect: cells(200) },
  { file: 'app/api/auth/[...all]/route.ts', method: 'POST', url: '/api/auth/sign-in/email', body: { email: 'nobody@e2e.test', password: 'wrong password 1' }, expect: cells(401) },
  { file: 'app/dicomweb/[ae]/[...path]/route.ts', method: 'GET', url: '/dicomweb/PACS/studies?limit=1', expect: cells(200) },
  { file: 'app/dicomweb/[ae]/[...path]/route.ts', method: 'GET', url: '/dicomweb/{studentAe}/studies', expect: studentArchive(200) },
  { file: 'app/dicomweb/[ae]/[...path]/route.ts', method: 'GET', url: '/dicomweb/{studentAe}/studies/{studyUid}/metadata', expect: studentArchive(200) },
  { file: 'app/dicomweb/[ae]/[...path]/route.ts', method: 'POST', url: '/dicomweb/{studentAe}/studies', body: 'emptyStow', expect: studentArchive(400), why: 'STOW-RS of an empty multipart body: 400 for those who may store, refused before the body is read for the others' },
  { file: 'app/dicomweb/[ae]/[...path]/route.ts', method: 'GET', url: '/dicomweb/NOSUCHAE/studies', expect: cells(404) },
  { file: 'app/sandbox/compression/compress/route.ts', method: 'POST', url: '/sandbox/compression/compress', body: { instanceId: '{instanceId}', codec: 'rle' }, studentSandboxCookie: true, expect: cells(404, { student: 200, instructor: 200, instructor2: 200, admin: 200 }), why: "an image in the student's archive cannot be reached from the demo" },
  { file: 'app/sandbox/modality/[ae]/image/[imageId]/route.ts', method: 'GET', url: '/sandbox/modality/CT1/image/nosuchimage', expect: cells(404) },
  { file: 'app/sandbox/viewer/dictionary/route.ts', method: 'GET', url: '/sandbox/viewer/dictionary', expect: cells(200) },
  { file: 'app/teach/cohorts/[id]/csv/[table]/route.ts', method: 'GET', url: '/teach/cohorts/{cohortId}/csv/students', expect: cells(403, { anon: 401, guest: 401, instructor: 200, admin: 200 }) },
  { file: 'app/teach/cohorts/[id]/csv/[table]/route.ts', method: 'GET', url: '/teach/cohorts/{cohortId}/csv/student-scenarios', expect: cells(403, { anon: 401, guest: 401, instructor: 200, admin: 200 }) },
  { file: 'app/teach/cohorts/[id]/csv/[table]/route.ts', method: 'GET', url: '/teach/cohorts/{cohortId}/csv/no-such-table', expect: cells(403, { anon: 401, guest: 401, instructor: 404, admin: 404 }) },
];

const signedInOnly = (ok: ActionOutcome) => cells<ActionOutcome>(ok, { anon: 401, guest: 401 });
const instructors = (ok: ActionOutcome) => cells<ActionOutcome>(403, { anon: 401, guest: 401, instructor: ok, instructor2: ok, admin: ok });
/** a sandbox administrator tool used with a cookie naming the student's sandbox: its owner and instructors only;
 * everyone else is working on the demo, where a student is no administrator (sandboxAdmin.ts) */
const sandboxAdmin = (ok: ActionOutcome) => cells<ActionOutcome>(403, { anon: 401, guest: 401, student: ok, instructor: ok, instructor2: ok, admin: ok });
const reason = 'access matrix check';

export const ACTIONS: ActionRow[] = [
  // accounts and roles
  { file: 'app/admin/users/actions.ts', action: 'setRole', form: { userId: '{targetId}', role: 'instructor' }, expect: cells<ActionOutcome>(403, { anon: 401, guest: 401, admin: 'ok' }), why: 'a spare account; the spec checks only the admin changed it' },
  { file: 'app/(auth)/actions.ts', action: 'signOutAction', args: [], skip: [...ACTORS], expect: cells<ActionOutcome>('ok'), why: 'ends only the caller\'s own session (tested apart, it ends the session)' },
  // the sandbox switcher
  { file: 'app/sandbox/actions.ts', action: 'selectSandbox', form: { slug: '{studentSlug}' }, expect: cells<ActionOutcome>(403, { anon: 401, guest: 401, student: 'ok', instructor: 'ok', instructor2: 'ok', admin: 'ok' }), why: "switching to another student's sandbox" },
  { file: 'app/sandbox/actions.ts', action: 'selectSandbox', form: { slug: 'u-ZZZZ' }, expect: cells<ActionOutcome>('error') },
  { file: 'app/sandbox/actions.ts', action: 'createMySandbox', form: {}, expect: signedInOnly('ok'), why: 'finds the one the caller already has (instructors and admins get one too)' },
  // PACS console: status changes, corrections, node table, archive service, with a cookie naming the student's sandbox
  { file: 'app/sandbox/pacs/actions.ts', action: 'changeStudyStatus', form: { studyInstanceUid: '{studyUid}', action: 'hold', reason: '' }, studentSandboxCookie: true, expect: signedInOnly('error') },
  { file: 'app/sandbox/pacs/studies/[uid]/corrections.ts', action: 'mergeStudyAction', form: { sourceStudyUid: '{studyUid}', targetStudyUid: '1.2.826.0.1.3680043.2.1125.9', reason }, studentSandboxCookie: true, expect: sandboxAdmin('error') },
  { file: 'app/sandbox/pacs/studies/[uid]/corrections.ts', action: 'moveSeriesAction', form: { studyInstanceUid: '{studyUid}', seriesUid: '1.2.826.0.1.3680043.2.1125.8', targetStudyUid: '1.2.826.0.1.3680043.2.1125.9', reason }, studentSandboxCookie: true, expect: sandboxAdmin('error') },
  { file: 'app/sandbox/pacs/studies/[uid]/corrections.ts', action: 'splitToOrderAction', form: { studyInstanceUid: '{studyUid}', seriesUids: '1.2.826.0.1.3680043.2.1125.8', orderId: 'no-such-order', reason }, studentSandboxCookie: true, expect: sandboxAdmin('error') },
  { file: 'app/sandbox/pacs/studies/[uid]/corrections.ts', action: 'correctDemographicsAction', form: { studyInstanceUid: '1.2.826.0.1.3680043.2.1125.9', reason, patientId: 'ACC1', patientName: 'DOE^JANE', birthDate: '19700101', sex: 'F' }, studentSandboxCookie: true, expect: sandboxAdmin('error') },
  { file: 'app/sandbox/pacs/studies/[uid]/corrections.ts', action: 'rejectImagesAction', form: { studyInstanceUid: '1.2.826.0.1.3680043.2.1125.9', scope: 'study', code: '113001', reason }, studentSandboxCookie: true, expect: sandboxAdmin('error') },
  { file: 'app/sandbox/pacs/nodes/actions.ts', action: 'saveNode', form: { aeTitle: '', host: '', port: 'x' }, studentSandboxCookie: true, expect: sandboxAdmin('error') },
  { file: 'app/sandbox/pacs/nodes/actions.ts', action: 'deleteNode', form: { id: 'no-such-node' }, studentSandboxCookie: true, expect: sandboxAdmin('error') },
  { file: 'app/sandbox/pacs/nodes/actions.ts', action: 'saveAcceptPolicy', form: { aeTitle: '{studentAe}', acceptPolicy: 'nonsense' }, studentSandboxCookie: true, expect: sandboxAdmin('error') },
  { file: 'app/sandbox/pacs/storageActions.ts', action: 'saveTierSettingsAction', form: { reason, shortTermDays: 'x', longTermCodec: 'nonsense', lossyPolicy: 'nonsense' }, studentSandboxCookie: true, expect: sandboxAdmin('error') },
  { file: 'app/sandbox/pacs/storageActions.ts', action: 'runMigrationAction', form: {}, studentSandboxCookie: true, expect: sandboxAdmin('ok'), why: "the student's one study is new: nothing is due to move" },
  { file: 'app/sandbox/pacs/storageActions.ts', action: 'restoreStudyAction', form: { studyInstanceUid: '{studyUid}' }, studentSandboxCookie: true, expect: sandboxAdmin('ok'), why: 'the study is on the short-term tier: "Nothing to restore", in words, and nothing changes' },
  { file: 'app/sandbox/pacs/serviceActions.ts', action: 'stopArchiveService', form: { reason: 'x'.repeat(300) }, studentSandboxCookie: true, expect: sandboxAdmin('error') },
  { file: 'app/sandbox/pacs/serviceActions.ts', action: 'startArchiveService', form: {}, studentSandboxCookie: true, expect: sandboxAdmin('ok'), why: 'starting a running archive changes nothing' },
  // RIS
  { file: 'app/sandbox/ris/actions.ts', action: 'placeOrder', form: {}, expect: instructors('error') },
  { file: 'app/sandbox/ris/actions.ts', action: 'cancelOrderAction', form: { accessionNumber: 'NOSUCHACC', reason }, expect: instructors('error') },
  { file: 'app/sandbox/ris/actions.ts', action: 'rescheduleOrderAction', form: { accessionNumber: 'NOSUCHACC' }, studentSandboxCookie: true, expect: sandboxAdmin('error') },
  { file: 'app/sandbox/ris/interfaces/actions.ts', action: 'stopInboundInterface', form: { reason: 'x'.repeat(300) }, studentSandboxCookie: true, expect: sandboxAdmin('error') },
  { file: 'app/sandbox/ris/interfaces/actions.ts', action: 'startInboundInterface', form: {}, studentSandboxCookie: true, expect: sandboxAdmin('ok'), why: 'starting a running interface changes nothing' },
  { file: 'app/sandbox/ris/interfaces/actions.ts', action: 'resendHisMessage', form: { id: 'no-such-message' }, studentSandboxCookie: true, expect: sandboxAdmin('error') },
  { file: 'app/sandbox/ris/interfaces/actions.ts', action: 'resendAllFailed', form: {}, studentSandboxCookie: true, expect: sandboxAdmin('ok'), why: 'nothing failed in the HIS queue: "Nothing to resend", in words' },
  // reading
  { file: 'app/sandbox/reading/actions.ts', action: 'reportAction', form: { studyInstanceUid: '{studyUid}', intent: 'nonsense' }, expect: instructors('error') },
  { file: 'app/sandbox/reading/actions.ts', action: 'saveFilterAction', form: { name: '' }, expect: signedInOnly('error') },
  { file: 'app/sandbox/reading/actions.ts', action: 'deleteFilterAction', form: { id: 'no-such-filter' }, expect: signedInOnly('error') },
  // scanners: the demo's are everyone's (a visitor gets a guest session); network settings need an account
  { file: 'app/sandbox/modality/[ae]/actions.ts', action: 'startExamFromWorklist', form: { ae: 'CT1', item: '{}' }, expect: cells<ActionOutcome>('error') },
  { file: 'app/sandbox/modality/[ae]/actions.ts', action: 'startManualExam', form: { ae: 'CT1', protocolId: 'no-such-protocol' }, expect: cells<ActionOutcome>('error') },
  { file: 'app/sandbox/modality/[ae]/actions.ts', action: 'completeExam', form: { ae: 'CT1', id: 'no-such-exam' }, expect: cells<ActionOutcome>('error') },
  { file: 'app/sandbox/modality/[ae]/actions.ts', action: 'discontinueExam', form: { ae: 'CT1', id: 'no-such-exam' }, expect: cells<ActionOutcome>('error') },
  { file: 'app/sandbox/modality/[ae]/actions.ts', action: 'sendExam', form: { ae: 'CT1', id: 'no-such-exam' }, expect: cells<ActionOutcome>('error') },
  { file: 'app/sandbox/modality/[ae]/actions.ts', action: 'retryJob', form: { ae: 'CT1', jobId: 'no-such-job' }, expect: cells<ActionOutcome>('error') },
  { file: 'app/sandbox/modality/[ae]/actions.ts', action: 'retryAll', form: { ae: 'NOSUCH' }, expect: cells<ActionOutcome>('error') },
  { file: 'app/sandbox/modality/[ae]/actions.ts', action: 'deleteJob', form: { ae: 'CT1', jobId: 'no-such-job' }, expect: cells<ActionOutcome>('error') },
  { file: 'app/sandbox/modality/[ae]/actions.ts', action: 'purgeExam', form: { ae: 'CT1', id: 'no-such-exam' }, expect: cells<ActionOutcome>('error') },
  { file: 'app/sandbox/modality/[ae]/actions.ts', action: 'saveScannerSettings', form: { ae: 'CT1', localAeTitle: '', timeoutSeconds: 'x' }, expect: signedInOnly('error') },
  { file: 'app/sandbox/modality/[ae]/actions.ts', action: 'saveScannerDestination', form: { ae: 'CT1', aeTitle: '', port: 'x' }, expect: signedInOnly('error') },
  { file: 'app/sandbox/modality/[ae]/actions.ts', action: 'deleteScannerDestination', form: { ae: 'CT1', id: 'no-such-destination' }, expect: signedInOnly('error') },
  { file: 'app/sandbox/modality/[ae]/actions.ts', action: 'echoDestination', form: { ae: 'CT1', id: 'no-such-destination' }, expect: cells<ActionOutcome>('error') },
  // fault scenarios: starting one needs an account (it runs in one's own sandbox); another's attempt is not one's own
  { file: 'app/sandbox/scenarios/actions.ts', action: 'startScenario', form: { scenarioId: 'no-such-scenario' }, expect: signedInOnly('error') },
  { file: 'app/sandbox/scenarios/actions.ts', action: 'hintScenario', form: { scenarioId: '{scenarioId}', attemptId: '{attemptId}' }, expect: cells<ActionOutcome>(403, { student: 'ok' }), why: "another person's attempt: 403" },
  { file: 'app/sandbox/scenarios/actions.ts', action: 'checkScenario', form: { scenarioId: '{scenarioId}', attemptId: '{attemptId}' }, expect: cells<ActionOutcome>(403, { student: 'ok' }), why: "another person's attempt: 403" },
  { file: 'app/sandbox/scenarios/actions.ts', action: 'giveUpScenario', form: { scenarioId: '{scenarioId}', attemptId: '{attemptId}' }, skip: ['student'], expect: cells<ActionOutcome>(403), why: "another person's attempt: refused (the owner's give-up is tested apart: it ends the attempt)" },
  // teaching
  { file: 'app/teach/actions.ts', action: 'createCohortAction', form: { name: '' }, expect: instructors('error') },
  { file: 'app/teach/actions.ts', action: 'createAssignmentAction', form: { cohortId: '{cohortId}', kind: 'mock', mockSize: '20', title: 'Access matrix mock', opensAt: '2026-01-01T08:00', dueAt: '2030-01-01T08:00' }, expect: cells<ActionOutcome>(403, { anon: 401, guest: 401, instructor: 'ok', admin: 'ok' }), why: "another instructor's cohort: 403" },
  { file: 'app/teach/actions.ts', action: 'updateAssignmentAction', form: { assignmentId: '{assignmentId}', title: 'x'.repeat(200) }, expect: cells<ActionOutcome>(403, { anon: 401, guest: 401, instructor: 'error', admin: 'error' }), why: "another instructor's assignment: 403" },
  { file: 'app/teach/actions.ts', action: 'removeStudentAction', form: { cohortId: '{cohortId}', userId: '{studentId}' }, skip: ['instructor', 'admin'], expect: cells<ActionOutcome>(403, { anon: 401, guest: 401 }), why: "another instructor's cohort: 403; the student stays enrolled (checked)" },
  { file: 'app/teach/actions.ts', action: 'moveStudentAction', form: { cohortId: '{cohortId}', userId: '{studentId}', to: '{cohort2Id}' }, skip: ['instructor', 'admin'], expect: cells<ActionOutcome>(403, { anon: 401, guest: 401 }), why: "another instructor's cohort (either end): 403; the student stays (checked)" },
  { file: 'app/teach/actions.ts', action: 'deleteAssignmentAction', form: { cohortId: '{cohortId}', assignmentId: '{assignmentId}' }, skip: ['instructor', 'admin'], expect: cells<ActionOutcome>(403, { anon: 401, guest: 401 }), why: "another instructor's assignment: 403; the assignment stays (checked)" },
  { file: 'app/teach/actions.ts', action: 'joinCohortAction', form: { code: 'ZZZZ-ZZZZ' }, expect: signedInOnly('error') },
  // the live lab: an instructor acts on a student of their own cohort
  { file: 'app/teach/cohorts/[id]/lab/actions.ts', action: 'injectAction', form: { cohortId: '{cohortId}', userId: '{studentId}', faultId: 'no-such-fault' }, expect: cells<ActionOutcome>(403, { anon: 401, guest: 401, instructor: 'error', admin: 'error' }), why: "another instructor's cohort: 403" },
  { file: 'app/teach/cohorts/[id]/lab/actions.ts', action: 'faultAction', form: { cohortId: '{cohortId}', userId: '{studentId}', injectionId: 'no-such-injection', action: 'check' }, expect: cells<ActionOutcome>(403, { anon: 401, guest: 401, instructor: 'error', admin: 'error' }), why: "another instructor's cohort: 403" },
  // learning: every learner (a visitor gets a guest session)
  { file: 'app/learn/actions.ts', action: 'completeLesson', args: ['no-such-lesson'], expect: cells<ActionOutcome>('error') },
  { file: 'app/learn/actions.ts', action: 'answerQuestion', args: [{ questionId: 'no-such-question', answer: ['a'], mode: 'practice' }], expect: cells<ActionOutcome>('error') },
  { file: 'app/practice/actions.ts', action: 'flagQuestion', args: [{ questionId: 'no-such-question', flagged: true }], expect: cells<ActionOutcome>('error') },
  { file: 'app/practice/actions.ts', action: 'rateReview', args: [{ questionId: 'no-such-question', rating: 3 }], expect: cells<ActionOutcome>('error') },
  { file: 'app/practice/actions.ts', action: 'startMockExam', args: [{ length: 7 }], expect: cells<ActionOutcome>('error') },
  { file: 'app/practice/actions.ts', action: 'saveMockAnswer', args: [{ attemptId: '{mockId}', position: 0, answer: ['a'] }], expect: cells<ActionOutcome>('error', { anon: 401, student: 'ok' }), why: "another person's mock exam: not found" },
  { file: 'app/practice/actions.ts', action: 'submitMockExam', args: [{ attemptId: '{mockId}' }], skip: ['student'], expect: cells<ActionOutcome>('error', { anon: 401 }), why: "another person's mock exam: not found (the owner's submit is not walked: it ends the exam)" },
];
