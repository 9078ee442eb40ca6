// POST /sandbox/compression/compress: compress one stored image in memory and measure it (the lab's one action).
// Body: { instanceId, codec, ratio? | quality? | near?, images? } as JSON; bad input is a 4xx with a message.
import { NextResponse } from 'next/server';
import { parseOr422, readJson, route } from '@/app/_lib/errors';
import { compressRequest, compressStoredImage } from '../_lib/lab';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const POST = route(async (request: Request) => {
  const body = parseOr422(compressRequest, await readJson(request), 'compression request');
  return NextResponse.json(await compressStoredImage(body), { headers: { 'cache-control': 'no-store' } });
});
