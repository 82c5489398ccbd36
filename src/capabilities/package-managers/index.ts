/** Every package manager the package provider (src/packages/) supports, by name. */
import { apk } from './apk.js';
import { apt } from './apt.js';
import { chocolatey } from './chocolatey.js';
import { dnf, yum } from './dnf.js';
import type { ManagerName, PackageManager } from './types.js';
import { zypper } from './zypper.js';

export const PACKAGE_MANAGERS: Record<ManagerName, PackageManager> = { apt, dnf, yum, zypper, apk, chocolatey };
