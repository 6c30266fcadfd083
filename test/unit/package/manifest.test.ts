// The Marketplace-facing fields of package.json: what the gallery page shows (icon, banner,
// categories, keywords, repository) and where VS Code runs the extension (extensionKind).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../../helpers';

// The Marketplace's category names (VS Code's extension manifest reference).
const CATEGORIES = new Set([
  'AI',
  'Azure',
  'Chat',
  'Data Science',
  'Debuggers',
  'Education',
  'Extension Packs',
  'Formatters',
  'Keymaps',
  'Language Packs',
  'Linters',
  'Machine Learning',
  'Notebooks',
  'Programming Languages',
  'SCM Providers',
  'Snippets',
  'Testing',
  'Themes',
  'Visualization',
  'Other',
]);

describe('package: the Marketplace manifest', function () {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

  it('has a 128×128 PNG icon in media/', function () {
    assert.match(manifest.icon, /^media\/[^/]+\.png$/);
    const png = fs.readFileSync(path.join(ROOT, manifest.icon));
    assert.equal(png.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', 'PNG signature');
    assert.equal(png.toString('latin1', 12, 16), 'IHDR');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
  });

  it('has categories the Marketplace knows, keywords, a repository and a gallery banner', function () {
    assert.ok(manifest.categories.length > 0);
    for (const c of manifest.categories) assert.ok(CATEGORIES.has(c), `category ${c}`);
    // The Marketplace takes at most 30 keywords.
    assert.ok(manifest.keywords.length >= 5 && manifest.keywords.length <= 30, `${manifest.keywords.length} keywords`);
    assert.equal(new Set(manifest.keywords).size, manifest.keywords.length, 'no duplicates');
    assert.match(manifest.repository.url, /^https:\/\/github\.com\/[^/]+\/[^/]+\.git$/);
    assert.match(manifest.galleryBanner.color, /^#[0-9a-f]{6}$/i);
    assert.ok(['dark', 'light'].includes(manifest.galleryBanner.theme));
    assert.ok(manifest.publisher && manifest.displayName && manifest.description && manifest.license);
  });

  it('runs as a workspace extension: where the files are (Remote-SSH, WSL, dev containers)', function () {
    assert.deepEqual(manifest.extensionKind, ['workspace']);
  });
});
