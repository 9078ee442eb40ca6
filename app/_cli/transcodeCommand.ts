// `pacslab transcode`: change a DICOM file's transfer syntax (sim/compression/transcode), and say what it cost.
import { readFile, writeFile } from 'node:fs/promises';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { fail } from './common';

const TARGETS = ['jpeg-ls', 'jpeg-ls-near', 'jpeg-lossless', 'j2k', 'j2k-lossy', 'htj2k', 'htj2k-rpcl', 'htj2k-lossy', 'rle', 'jpeg-baseline', 'explicit', 'implicit'] as const;

function positive(what: string, integer: boolean) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new InvalidArgumentError(`${what} is a positive ${integer ? 'whole number' : 'number'}`);
    return n;
  };
}

export function register(program: Command): void {
  program
    .command('transcode')
    .description('write IN again as OUT in another transfer syntax (lossless keeps pixels and UID; lossy marks the result and gives it a new UID, PS3.3 C.7.6.1.1.5)')
    .argument('<in>', 'a DICOM Part 10 file')
    .argument('<out>', 'where to write the result')
    .addOption(new Option('--to <codec>', 'target codec').choices(TARGETS).makeOptionMandatory())
    .option('--ratio <n>', 'target compression ratio for j2k-lossy (e.g. 10 for 10:1)', positive('--ratio', false))
    .option('--quality <q>', 'JPEG quality 1–100 for jpeg-baseline', positive('--quality', true))
    .option('--near <n>', 'JPEG-LS NEAR for jpeg-ls-near: the largest error allowed per sample', positive('--near', true))
    .action(async (input: string, output: string, opts: { to: (typeof TARGETS)[number]; ratio?: number; quality?: number; near?: number }) => {
      const { transcode, compareImages, TranscodeError } = await import('@/sim/compression/transcode');
      let bytes: Buffer;
      try {
        bytes = await readFile(input);
      } catch (e) {
        fail(`cannot read ${input}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      try {
        const r = await transcode(bytes, opts.to, { ratio: opts.ratio, quality: opts.quality, near: opts.near });
        await writeFile(output, r.bytes);
        const c = await compareImages(bytes, r.bytes);
        const psnr = Number.isFinite(c.psnr) ? `${c.psnr.toFixed(1)} dB` : '∞ (identical)';
        console.log(`${input} → ${output}: ${r.codec.label} (${r.transferSyntaxUid})`);
        console.log(`  frames ${r.frames}, pixel data ${r.nativePixelBytes} → ${r.storedPixelBytes} bytes, ratio ${r.ratio.toFixed(2)}:1; file ${c.bytesIn} → ${c.bytesOut} bytes`);
        console.log(`  error: max ${c.maxAbsError}, mean ${c.meanAbsError.toFixed(3)}, PSNR ${psnr}`);
        console.log(`  time ${r.ms.toFixed(0)} ms`);
        if (r.lossy) console.log(`  lossy: new SOP Instance UID ${r.sopInstanceUid} (was ${r.sourceSopInstanceUid}); Lossy Image Compression 01`);
        else if (r.previouslyLossy) console.log('  the image was already lossy: Lossy Image Compression stays 01');
        else console.log('  lossless: pixels bit-exact, SOP Instance UID kept');
      } catch (e) {
        if (e instanceof TranscodeError) fail(e.message);
        throw e;
      }
    });
}
