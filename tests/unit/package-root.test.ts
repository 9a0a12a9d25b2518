import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findPackageRoot, packageRoot } from '../../src/util/package-root.js';

const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'runr-package-root-')));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value));
}

describe('package root', () => {
  it('is the checkout when run from src/', () => {
    expect(JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')).name).toBe('runr');
    expect(fs.existsSync(path.join(packageRoot(), 'templates', 'prompts'))).toBe(true);
  });

  it('is found from any depth below it: dist/, dist/cli-bundle/, src/engine/prompts/', () => {
    const pkg = path.join(tmp, 'installed', 'runr');
    writeJson(path.join(pkg, 'package.json'), { name: 'runr' });
    for (const dir of ['dist/config', 'dist/cli-bundle', 'src/engine/prompts']) {
      fs.mkdirSync(path.join(pkg, dir), { recursive: true });
      expect(findPackageRoot(path.join(pkg, dir))).toBe(pkg);
    }
  });

  it('skips package.json files that are not runr\'s (a dependency bundled inside, a workspace above)', () => {
    const pkg = path.join(tmp, 'workspace', 'node_modules', 'runr');
    writeJson(path.join(tmp, 'workspace', 'package.json'), { name: 'workspace' });
    writeJson(path.join(pkg, 'package.json'), { name: 'runr' });
    writeJson(path.join(pkg, 'dist', 'vendor', 'package.json'), { name: 'vendored' });
    fs.mkdirSync(path.join(pkg, 'dist', 'broken'), { recursive: true });
    fs.writeFileSync(path.join(pkg, 'dist', 'broken', 'package.json'), '{ not json');
    expect(findPackageRoot(path.join(pkg, 'dist', 'vendor'))).toBe(pkg);
    expect(findPackageRoot(path.join(pkg, 'dist', 'broken'))).toBe(pkg);
  });

  it('is an error, not a wrong directory, when no runr package.json is above', () => {
    const stray = path.join(tmp, 'stray', 'dist');
    writeJson(path.join(tmp, 'stray', 'package.json'), { name: 'not-runr' });
    fs.mkdirSync(stray, { recursive: true });
    expect(() => findPackageRoot(stray)).toThrow(/runr's package\.json was not found/);
  });
});
