import type { Command } from './command.js';
import { workspaceCreate, workspaceList } from './workspace.js';

export const COMMANDS: Command[] = [workspaceCreate, workspaceList];
