import type { Command } from './command.js';
import { demoSimulate } from './demo.js';
import { customerErase, customerExport, customerLookup, customerShow } from './customer.js';
import { importCommand } from './import.js';
import { keyCreate, keyList, keyRevoke } from './key.js';
import { mergeList, mergeUndo } from './merge.js';
import { operatorCreate } from './operator.js';
import { playbookApply, playbookDisable, playbookEnable, playbookList, playbookSimulate, playbookVersions } from './playbook.js';
import { tokenCreate, tokenList, tokenRevoke } from './token.js';
import { workspaceCreate, workspaceList } from './workspace.js';

export const COMMANDS: Command[] = [
  workspaceCreate, workspaceList,
  keyCreate, keyList, keyRevoke,
  tokenCreate, tokenList, tokenRevoke,
  operatorCreate,
  importCommand,
  customerShow, customerLookup, customerExport, customerErase,
  mergeList, mergeUndo,
  playbookApply, playbookList, playbookEnable, playbookDisable, playbookVersions, playbookSimulate,
  demoSimulate,
];
