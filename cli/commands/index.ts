// The CLI's commands, in help order. To add one: write cli/commands/<name>.ts exporting a
// RegisterCommand, and add it here (one line).
import type { RegisterCommand } from '../context';
import { registerExplainCommand } from './explain';
import { registerInvokeCommand } from './invoke';
import { registerScanCommand } from './scan';
import { registerSnapshotCommand } from './snapshot';
import { registerWaiversCommand } from './waivers';

export const COMMANDS: readonly RegisterCommand[] = [
  registerScanCommand,
  registerSnapshotCommand,
  registerExplainCommand,
  registerInvokeCommand,
  registerWaiversCommand,
];
