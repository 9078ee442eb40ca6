// `pacslab transcode`: change a DICOM file's transfer syntax.
import type { Command } from 'commander';

export function register(program: Command): void {
  void program;
}
