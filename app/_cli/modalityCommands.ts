// `pacslab worklist` and `pacslab send`: a simulated modality from the command line.
import type { Command } from 'commander';

export function register(program: Command): void {
  void program;
}
