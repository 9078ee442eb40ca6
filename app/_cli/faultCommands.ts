// `pacslab fault list | inject | clear | check`: the fault catalogue (sim/faults) for instructors' scripts.
import type { Command } from 'commander';

export function register(program: Command): void {
  void program;
}
