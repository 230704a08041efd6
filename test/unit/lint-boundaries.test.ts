import { ESLint } from 'eslint';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..');
const eslint = new ESLint({ cwd: root });

async function messages(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('lint enforces the architecture boundaries', () => {
  it('fails a core/ file that imports electron', async () => {
    expect(await messages('src-main/core/pdf/bad.ts', "import { app } from 'electron';\nexport const x = app;\n")).toHaveLength(1);
  });
  it('fails an api/ file that imports electron', async () => {
    expect(await messages('src-main/api/bad.ts', "import { ipcMain } from 'electron';\nexport const x = ipcMain;\n")).toHaveLength(1);
  });
  it('lets the Electron shell import electron', async () => {
    expect(await messages('src-main/app/ok.ts', "import { app } from 'electron';\nexport const x = app;\n")).toHaveLength(0);
  });
  it('fails a renderer file that imports node:*, electron, or src-main outside api/', async () => {
    expect(await messages('src-renderer/bad.ts', "import fs from 'node:fs';\nexport const x = fs;\n")).toHaveLength(1);
    expect(await messages('src-renderer/bad.ts', "import { shell } from 'electron';\nexport const x = shell;\n")).toHaveLength(1);
    expect(
      await messages(
        'src-renderer/features/x/bad.ts',
        "import { openCore } from '../../../src-main/core/context';\nexport const x = openCore;\n",
      ),
    ).toHaveLength(1);
    expect(
      await messages(
        'src-renderer/features/x/ok.ts',
        "import type { AppInfo } from '../../../src-main/api/app';\nexport type X = AppInfo;\n",
      ),
    ).toHaveLength(0);
  });
  it('fails a preload that imports anything but electron and api/', async () => {
    expect(await messages('src-main/preload/bad.ts', "import fs from 'node:fs';\nexport const x = fs;\n")).toHaveLength(1);
    expect(
      await messages(
        'src-main/preload/ok.ts',
        "import { contextBridge } from 'electron';\nimport { methodNames } from '../api/contract';\nexport const x = [contextBridge, methodNames];\n",
      ),
    ).toHaveLength(0);
  });
});
