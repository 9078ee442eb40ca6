// `pacslab generate`: synthetic studies from sim/modality/generate.
import type { Command } from 'commander';

export function register(program: Command): void {
  void program;
}
