// The `pacslab` command line. Every command is a thin layer over the same modules the site and the DICOM
// services use, so what an instructor scripts is what students get.
import { Command, InvalidArgumentError, Option } from 'commander';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { databaseUrl, getDb, providerOf } from '@/prisma/db';
import { applyMigrations } from '@/prisma/migrate';
import { ROLES, type Role } from '@/app/_lib/roles';
import { start } from './start';

const program = new Command()
  .name('pacslab')
  .description('PACS Lab: ARRT registry prep with a real embedded mini-PACS')
  .showHelpAfterError('(run pacslab --help for every command)');

function fail(message: string): never {
  console.error(`pacslab: ${message}`);
  process.exit(1);
}

const emailSchema = z.string().trim().toLowerCase().email();

// ---------------------------------------------------------------- start
program
  .command('start')
  .description('migrate the database, seed the demo sandbox, build the site if needed, and start the web site and DICOM services')
  .option('--no-build', 'never build: fail if there is no production build')
  .action(async (opts: { build: boolean }) => {
    await start({ build: opts.build });
  });

// ---------------------------------------------------------------- db
const db = program.command('db').description('database: migrate and seed');

db.command('migrate')
  .description('apply every pending migration to DATABASE_URL (SQLite file or PostgreSQL)')
  .action(async () => {
    const url = databaseUrl();
    const applied = await applyMigrations(url);
    console.log(applied.length ? `applied ${applied.length} migration(s) to ${providerOf(url)}: ${applied.join(', ')}` : `${providerOf(url)} database is up to date`);
  });

db.command('seed')
  .description('create the demo sandbox and its DICOM nodes if missing (idempotent)')
  .action(async () => {
    await applyMigrations(databaseUrl());
    const { seedDemo } = await import('@/sim/seed');
    const result = await seedDemo(getDb());
    console.log(`demo sandbox ready: ${JSON.stringify(result)}`);
  });

// ---------------------------------------------------------------- user
const user = program.command('user').description('accounts: add users and set roles');

function roleOption() {
  return new Option('--role <role>', 'student, instructor or admin').choices(ROLES as unknown as string[]).default('student');
}

user
  .command('add')
  .description('create an account (or change the role of an existing one)')
  .requiredOption('--email <email>', 'e-mail address (the sign-in name)', (v) => {
    const r = emailSchema.safeParse(v);
    if (!r.success) throw new InvalidArgumentError('not an e-mail address');
    return r.data;
  })
  .addOption(roleOption())
  .option('--name <name>', 'display name (default: the part of the e-mail before @)')
  .option('--password <password>', 'password (default: $PACSLAB_PASSWORD, else a random one is generated and printed)')
  .action(async (opts: { email: string; role: Role; name?: string; password?: string }) => {
    await applyMigrations(databaseUrl());
    const { createAuth, PASSWORD_MIN, PASSWORD_MAX } = await import('@/app/_lib/auth');
    const prisma = getDb();
    const existing = await prisma.user.findUnique({ where: { email: opts.email } });
    if (existing && !existing.isAnonymous) {
      if (existing.role !== opts.role) {
        await prisma.$transaction([
          prisma.user.update({ where: { id: existing.id }, data: { role: opts.role } }),
          prisma.auditEvent.create({ data: { action: 'user.role', target: `user:${existing.id}`, reason: 'pacslab user add (command line)', detail: { from: existing.role, to: opts.role, email: opts.email } } }),
        ]);
        console.log(`${opts.email} already exists: role changed from ${existing.role} to ${opts.role}`);
      } else console.log(`${opts.email} already exists with role ${opts.role}: nothing to do`);
      return;
    }
    const generated = !opts.password && !process.env.PACSLAB_PASSWORD;
    const password = opts.password ?? process.env.PACSLAB_PASSWORD ?? randomBytes(12).toString('base64url');
    if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) fail(`the password must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters long`);
    const auth = createAuth(prisma, { forNext: false });
    const name = opts.name?.trim() || opts.email.split('@')[0];
    const created = await auth.api.signUpEmail({ body: { email: opts.email, password, name } });
    await prisma.$transaction([
      prisma.user.update({ where: { id: created.user.id }, data: { role: opts.role } }),
      prisma.session.deleteMany({ where: { userId: created.user.id } }),
      prisma.auditEvent.create({ data: { action: 'user.add', target: `user:${created.user.id}`, reason: 'pacslab user add (command line)', detail: { email: opts.email, role: opts.role } } }),
    ]);
    console.log(`created ${opts.role} ${opts.email}${generated ? `\npassword: ${password}  (shown once: write it down)` : ''}`);
  });

user
  .command('list')
  .description('list accounts with their roles')
  .action(async () => {
    const users = await getDb().user.findMany({ where: { isAnonymous: false }, orderBy: { createdAt: 'asc' } });
    for (const u of users) console.log(`${u.role.padEnd(10)} ${u.email.padEnd(40)} ${u.name}`);
    if (!users.length) console.log('no accounts yet: npx pacslab user add --role admin --email you@example.org');
  });

// `pacslab --help` lists every command, including the sub-commands of each group
program.addHelpText('after', () => {
  const lines: string[] = [];
  const walk = (cmd: Command, prefix: string) => {
    for (const sub of cmd.commands) {
      if (sub.commands.length) walk(sub, `${prefix}${sub.name()} `);
      else lines.push(`  pacslab ${`${prefix}${sub.name()} ${sub.usage().replace('[options]', '').trim()}`.padEnd(34)} ${sub.description()}`);
    }
  };
  walk(program, '');
  return `\nEvery command (add --help to any of them for its options):\n${lines.join('\n')}\n`;
});

program.hook('postAction', async () => {
  await getDb().$disconnect();
});

program.parseAsync(process.argv).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  fail(message);
});
