// Issue 9's "done when", end to end: an instructor creates a cohort, two students join with the code, the
// instructor assigns a fault scenario (no hints, 15 minutes) and a practice set, edits the practice set (a refused
// edit keeps what was typed and says why), one student fixes the scenario in the browser over real DICOM and
// answers the practice set, and the instructor's dashboard and CSV show it; a student asking for another student's
// results and another instructor asking for the cohort's get 403.
// The scenario is "split study" (e2e/split-study.spec.ts plays it the same way); the attempt is given up in a
// finally if anything fails half-way.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { E2E } from './env';
import { giveUpIfRunning, pickSomething, shot, signIn, signUp, uniqueEmail } from './helpers';

const SCENARIO_ID = 'split-study';
const PATIENT_ID = 'SCN0012';
const SCENARIO = `/sandbox/scenarios/${SCENARIO_ID}`;
let SCENARIO_TITLE = '';

async function newStudent(browser: Browser, name: string): Promise<Page> {
  const page = await (await browser.newContext({ baseURL: E2E.baseURL })).newPage();
  await signUp(page, name, uniqueEmail(name.toLowerCase().replace(/\s+/g, '-')), 'student password 1');
  return page;
}

/**
 * The student fixes "split study" as e2e/split-study.spec.ts does: a check before anything (fails), then in the PACS
 * console the stray half (no accession) is merged into the order's study with a reason, and the check passes.
 */
async function fixSplitStudy(page: Page, duringAttempt?: () => Promise<void>) {
  await page.getByTestId('start-scenario').getByRole('button', { name: 'Start' }).click();
  await expect(page.getByTestId('running-attempt')).toBeVisible({ timeout: 60_000 });
  // the assignment says no hints: there is no Hint button, only the check
  await expect(page.getByTestId('no-hints')).toBeVisible();
  await expect(page.getByTestId('take-hint')).toHaveCount(0);
  await expect(page.getByTestId('scenario-timer')).toContainText('of 15 min');
  await shot(page, 'cohort-scenarios-assigned-attempt');
  await page.getByTestId('check-fix').getByRole('button', { name: 'Check my fix' }).click();
  await expect(page.getByTestId('check-fix-result')).toContainText('do not pass yet');
  await duringAttempt?.();

  await page.goto(`/sandbox/pacs?patientId=${PATIENT_ID}`);
  const rows = page.getByTestId('studies-table').locator('tbody tr');
  await expect(rows).toHaveCount(2);
  const withAccession = rows.filter({ hasText: /A\d{8}-[A-Z0-9]{5}/ });
  const accession = /A\d{8}-[A-Z0-9]{5}/.exec((await withAccession.textContent()) ?? '')![0];
  await rows.filter({ hasText: 'none' }).getByRole('link').click();
  await expect(page).toHaveURL(/\/sandbox\/pacs\/studies\/[0-9.]+$/);
  const strayUrl = page.url();
  await expect(page.getByTestId('correction-panel').getByLabel(/Surviving study/)).toContainText(accession);
  const merge = page.getByTestId('merge');
  await merge.getByLabel(/Reason/).fill('Second half of the exam sent under a new study');
  page.once('dialog', (d) => void d.accept());
  await merge.getByRole('button', { name: 'Merge into selected study' }).click();
  await expect(page).not.toHaveURL(strayUrl, { timeout: 30_000 });

  await page.goto(SCENARIO);
  await page.getByTestId('check-fix').getByRole('button', { name: 'Check my fix' }).click();
  await expect(page.getByTestId('attempt-result')).toHaveAttribute('data-status', 'passed', { timeout: 30_000 });
  await expect(page.getByTestId('attempt-hints')).toHaveText('0 of 3');
}

test('a cohort gets a fault scenario and a practice set; a student does both; the dashboard and CSV show it; 403s', async ({ page, browser }) => {
  test.setTimeout(240_000);
  await signIn(page, E2E.instructor.email, E2E.instructor.password);
  await page.goto('/teach');
  const cohortName = `RAD 230 ${Date.now().toString(36)}`;
  await page.getByLabel('Cohort name').fill(cohortName);
  await page.getByLabel('Term').fill('Fall 2027');
  await page.getByRole('button', { name: 'Create cohort' }).click();
  await expect(page.getByRole('status')).toContainText(`Created ${cohortName}`);
  await page.getByRole('link', { name: cohortName }).click();
  await expect(page.getByTestId('cohort-page')).toBeVisible();
  const code = (await page.getByTestId('cohort-join-code').textContent())!.trim();
  const cohortUrl = new URL(page.url()).pathname;

  // two students join with the code
  const ana = await newStudent(browser, 'Ana Scenario');
  const ben = await newStudent(browser, 'Ben Scenario');
  for (const s of [ana, ben]) {
    await s.goto(`/join/${code}`);
    await s.getByRole('button', { name: 'Join this cohort' }).click();
    await expect(s).toHaveURL(/\/learn/);
  }

  // the fault scenario, refused first without a scenario (the form keeps the other choices), then assigned
  await page.reload();
  const form = page.getByRole('form', { name: 'New assignment' });
  await form.getByLabel('Assign').selectOption('scenario');
  await form.getByLabel('Hints').selectOption('none');
  await form.getByLabel('Time budget (minutes)').fill('15');
  await form.getByRole('button', { name: 'Assign' }).click();
  await expect(form.getByText('Choose a fault scenario.')).toBeVisible();
  await expect(form.getByLabel('Hints')).toHaveValue('none');
  await form.getByLabel('Scenario').selectOption(SCENARIO_ID);
  SCENARIO_TITLE = (await form.getByLabel('Scenario').locator('option:checked').textContent())!.trim();
  await form.getByRole('button', { name: 'Assign' }).click();
  await expect(form.getByRole('status')).toContainText(`Assigned “Scenario: ${SCENARIO_TITLE}”`);
  // and a 10-item practice set
  await form.getByLabel('Assign').selectOption('practice');
  await form.getByLabel('Items').selectOption('10');
  await form.getByRole('button', { name: 'Assign' }).click();
  await expect(form.getByRole('status')).toContainText('Assigned “Practice: 10 items, all categories”');
  const assignments = page.getByTestId('assignments-table');
  await expect(assignments).toContainText('15 min · no hints');

  // the practice set is edited: a due date before the opening is refused with the create form's message
  await assignments.getByRole('link', { name: 'Edit Practice: 10 items, all categories' }).click();
  const edit = page.getByRole('form', { name: 'Edit assignment' });
  await expect(edit).toBeVisible();
  await expect(edit.getByLabel('Items')).toHaveValue('10');
  await edit.getByLabel('Title (optional)').fill('Week 1 practice');
  await edit.getByLabel('Due').fill('2020-01-01T00:00');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(edit.getByText('The due date must be after the opening date.')).toBeVisible();
  await expect(edit.getByLabel('Title (optional)')).toHaveValue('Week 1 practice');
  await shot(page, 'cohort-scenarios-edit-form');
  const due = new Date(Date.now() + 14 * 86_400_000);
  const local = new Date(due.getTime() - due.getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
  await edit.getByLabel('Due').fill(`${local}T23:59`);
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(edit.getByRole('status')).toContainText('Saved “Week 1 practice”');
  await expect(assignments).toContainText('Week 1 practice');

  // Ana sees both on her home page, starts the scenario from there and fixes it
  await ana.goto('/learn');
  const mine = ana.getByTestId('my-assignments');
  const scenarioItem = mine.getByRole('listitem').filter({ hasText: `Scenario: ${SCENARIO_TITLE}` });
  await expect(scenarioItem.getByTestId('assignment-status')).toHaveText('To do');
  await expect(scenarioItem).toContainText('fault scenario, 15 min, no hints');
  await expect(mine.getByRole('listitem').filter({ hasText: 'Week 1 practice' }).getByTestId('assignment-status')).toHaveText('To do · 0/10');
  await shot(ana, 'cohort-scenarios-student-home-todo');
  await scenarioItem.getByTestId('assignment-start').click();
  await expect(ana).toHaveURL(new RegExp(`${SCENARIO}$`));
  await expect(ana.getByTestId('assigned-scenario')).toContainText('no hints');
  try {
    await fixSplitStudy(ana, async () => {
      // meanwhile the instructor watches the live lab: Ana's scenario, no hints, a failing check; adds a fault to
      // her sandbox, sees it listed, and clears it again
      await page.goto(`${cohortUrl}/lab`);
      const card = page.getByTestId('lab-student').filter({ hasText: 'Ana Scenario' });
      await expect(card).toContainText(SCENARIO_TITLE);
      await expect(card.getByTestId('lab-hints')).toHaveText('0 hints');
      await expect(card.getByTestId('lab-checks')).toContainText(/\d+\/\d+ pass/);
      await expect(page.getByTestId('lab-summary')).toContainText('1 of 2 students in a scenario');
      const inject = card.getByTestId('lab-inject');
      await inject.getByRole('combobox').selectOption('worklist-missing');
      await inject.getByRole('button', { name: 'Inject' }).click();
      await expect(card.getByTestId('lab-inject-result')).toContainText('Injected worklist-missing', { timeout: 30_000 });
      const added = card.getByTestId('lab-fault').filter({ hasText: 'added by you' });
      await expect(added).toHaveCount(1);
      await shot(page, 'cohort-live-lab');
      await added.getByTestId('lab-fault-clear').getByRole('button', { name: 'Clear' }).click();
      await expect(card.getByTestId('lab-fault').filter({ hasText: 'added by you' })).toHaveCount(0, { timeout: 30_000 });
    });
  } finally {
    await giveUpIfRunning(ana, SCENARIO);
  }

  // and answers the practice set
  await ana.goto('/learn');
  await mine.getByRole('link', { name: 'Week 1 practice' }).click();
  for (let i = 1; i <= 10; i++) {
    const q = ana.getByTestId('question');
    await expect(ana.getByTestId('practice-position')).toHaveText(`Item ${i} of 10`);
    await pickSomething(q);
    await q.getByRole('button', { name: 'Check answer' }).click();
    await expect(q.getByTestId('verdict')).toBeVisible();
    await ana.getByRole('button', { name: i < 10 ? 'Next item' : 'See results' }).click();
  }
  await ana.goto('/learn');
  await expect(scenarioItem.getByTestId('assignment-status')).toHaveText('Done');
  await expect(scenarioItem.getByTestId('assignment-start')).toHaveCount(0);
  await expect(mine.getByRole('listitem').filter({ hasText: 'Week 1 practice' }).getByTestId('assignment-status')).toHaveText('Done');
  await shot(ana, 'cohort-scenarios-student-home');

  // the instructor's dashboard: both done for Ana, the scenario fixed by 1 of 2 students
  await page.goto(cohortUrl);
  const students = page.getByTestId('students-table');
  const anaRow = students.getByRole('row').filter({ hasText: 'Ana Scenario' });
  await expect(anaRow.getByText('done', { exact: true })).toHaveCount(2);
  await expect(students.getByRole('row').filter({ hasText: 'Ben Scenario' }).getByText('open', { exact: true })).toHaveCount(1);
  const scenarios = page.getByTestId('scenarios-table');
  const row = scenarios.getByRole('row').filter({ hasText: SCENARIO_TITLE });
  await expect(row).toContainText('assigned');
  await expect(row.locator('td').nth(1)).toHaveText('1'); // fixed
  await expect(row.locator('td').nth(4)).toHaveText('1'); // not started
  await expect(row.locator('td').nth(5)).toHaveText(/^\d+ min \d{2} s$/);
  await expect(row.locator('td').nth(6)).toHaveText('0'); // median hints
  await expect(row.locator('td').nth(7)).toContainText('×'); // the check that failed before the fix
  const byStudent = page.getByTestId('student-scenarios-table').getByRole('row').filter({ hasText: 'Ana Scenario' });
  await expect(byStudent).toContainText('fixed');
  await shot(page, 'cohort-scenarios-dashboard');

  const csv = (await (await page.request.get(`${cohortUrl}/csv/scenarios`)).text()).trim().split('\r\n');
  expect(csv[0]).toContain('Median time to fix (min)');
  const line = csv.find((l) => l.includes(SCENARIO_ID))!;
  expect(line.split(',').slice(2, 7)).toEqual(['true', '1', '0', '0', '1']);
  const perStudent = (await (await page.request.get(`${cohortUrl}/csv/student-scenarios`)).text()).trim().split('\r\n');
  expect(perStudent.find((l) => l.startsWith('Ana Scenario,'))).toMatch(/,passed,1,[\d.]+,0,/);
  const studentsCsv = (await (await page.request.get(`${cohortUrl}/csv/students`)).text()).trim().split('\r\n');
  expect(studentsCsv.find((l) => l.startsWith('Ana Scenario,'))!.endsWith(',done,done')).toBe(true);

  // Ana's own page shows the scenario; Ben asking for it gets 403, and for the cohort's CSV too
  const anaUrl = (await students.getByRole('link', { name: 'Ana Scenario' }).getAttribute('href'))!;
  await page.goto(anaUrl);
  await expect(page.getByTestId('student-scenarios')).toContainText(SCENARIO_TITLE);
  expect((await ben.goto(anaUrl))?.status()).toBe(403);
  expect((await ben.request.get(`${cohortUrl}/csv/scenarios`)).status()).toBe(403);
  expect((await ben.request.get(`${cohortUrl}/csv/student-scenarios`)).status()).toBe(403);

  // another instructor (promoted by the admin) gets 403 on the cohort, its scenario CSV and Ana's results
  const otherEmail = uniqueEmail('other-teacher');
  const other = await (await browser.newContext({ baseURL: E2E.baseURL })).newPage();
  await signUp(other, 'Otto Other', otherEmail, 'teacher password 2');
  const admin = await (await browser.newContext({ baseURL: E2E.baseURL })).newPage();
  await signIn(admin, E2E.admin.email, E2E.admin.password);
  await admin.goto('/admin/users');
  const userRow = admin.locator(`tr[data-email="${otherEmail}"]`);
  await userRow.getByRole('combobox').selectOption('instructor');
  await userRow.getByRole('button', { name: 'Save' }).click();
  await expect(userRow.getByText('Saved')).toBeVisible();
  expect((await other.goto(cohortUrl))?.status()).toBe(403);
  expect((await other.request.get(`${cohortUrl}/csv/scenarios`)).status()).toBe(403);
  expect((await other.goto(anaUrl))?.status()).toBe(403);

  // a fault drill made of a chosen catalogue fault, for a chosen student: Ben has it on his home page, Ana does not
  await page.goto(cohortUrl);
  const drill = page.getByRole('form', { name: 'New assignment' });
  await drill.getByLabel('Assign').selectOption('scenario');
  await drill.getByLabel('Scenario').selectOption({ label: 'Fault drill: choose the faults…' });
  await drill.getByTestId('drill-faults').getByRole('checkbox').first().check();
  await drill.getByRole('radio', { name: 'Chosen students' }).check();
  await drill.getByTestId('assignment-roster').getByRole('checkbox', { name: /Ben Scenario/ }).check();
  await shot(page, 'cohort-assign-drill-chosen');
  await drill.getByRole('button', { name: 'Assign' }).click();
  await expect(drill.getByRole('status')).toContainText('Assigned “Scenario: Fault drill:');
  await expect(page.getByTestId('assignments-table').getByTestId('assignment-given-to').filter({ hasText: '1 student: Ben Scenario' })).toHaveCount(1);
  await ben.goto('/learn');
  await expect(ben.getByTestId('my-assignments')).toContainText('Fault drill:');
  await ana.goto('/learn');
  await expect(ana.getByTestId('my-assignments')).not.toContainText('Fault drill:');
});
