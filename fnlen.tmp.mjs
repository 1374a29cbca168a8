import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
const { parse } = createRequire(import.meta.url)('@babel/parser');
const files = execSync("git ls-files 'electron/**.ts' 'shared/**.ts' 'renderer/src/**.ts' 'renderer/src/**.tsx' 'scripts/**.ts' 'bench/**.ts'", { encoding: 'utf8' }).split('\n').filter((f) => f && !/\.test\.|\.e2e\./.test(f));
const limit = Number(process.argv[2] || 80);
const out = [];
const FN = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression', 'ClassMethod', 'ObjectMethod', 'ClassPrivateMethod']);
for (const f of files) {
  const ast = parse(readFileSync(f, 'utf8'), { sourceType: 'module', plugins: ['typescript', ...(f.endsWith('x') ? ['jsx'] : [])] });
  const walk = (n, name) => {
    if (!n || typeof n.type !== 'string') return;
    if (FN.has(n.type)) {
      const len = n.loc.end.line - n.loc.start.line + 1;
      if (len > limit) out.push(`${len}\t${f}:${n.loc.start.line}\t${n.id?.name ?? n.key?.name ?? name ?? ''}`);
    }
    for (const k of Object.keys(n)) {
      if (k === 'loc' || k === 'start' || k === 'end') continue;
      const v = n[k];
      const nm = n.type === 'VariableDeclarator' ? n.id?.name : name;
      if (Array.isArray(v)) v.forEach((c) => walk(c, nm)); else if (v && typeof v === 'object') walk(v, nm);
    }
  };
  walk(ast.program);
}
console.log(out.sort((x, y) => parseInt(y) - parseInt(x)).join('\n'));
