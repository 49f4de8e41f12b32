import type { Command } from '../command.js';

export const demoCommands: Command[] = [];
