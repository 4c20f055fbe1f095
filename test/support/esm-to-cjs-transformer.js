// Jest transformer for the ES-module-only packages (NestJS 12 and a few of its dependencies):
// Jest on Node 20 cannot require() ES modules, so compile them to CommonJS with TypeScript's
// transpiler. `import.meta.url` has no CommonJS form, so it becomes this file's URL.
const crypto = require('node:crypto');
const ts = require('typescript');

module.exports = {
  getCacheKey(source, path) {
    return crypto.createHash('sha256').update('esm-to-cjs-1').update(path).update(source).digest('hex');
  },
  process(source, path) {
    const patched = source.replace(/\bimport\.meta\.url\b/g, "require('node:url').pathToFileURL(__filename).href");
    const { outputText } = ts.transpileModule(patched, {
      fileName: path,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, allowJs: true, esModuleInterop: true },
    });
    return { code: outputText };
  },
};
