/** Every package manager the package provider (src/packages/) supports, by name. */
import { apt } from './apt.js';
import type { ManagerName, PackageManager } from './types.js';

export const PACKAGE_MANAGERS: Partial<Record<ManagerName, PackageManager>> = { apt };
