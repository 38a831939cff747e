// An esbuild plugin that lets the AWS SDK's schema modules tree-shake.
//
// Since the SDK moved to schema-based serialisation, each client ships one generated module
// (dist-es/schemas/schemas_0.js) that declares every shape of the service as a top-level
// `export var X$ = [...]`. Many of those arrays hold computed keys (`{ [_xN]: _GIr }`), which esbuild
// must assume may have side effects, so it keeps the whole module: about 540 KB for EC2 whatever
// commands are used. Each declaration's initializer is side-effect free
// (array literals, string constants, lazy arrow functions), so wrapping it in a pure-annotated IIFE
// keeps its value and evaluation order and tells esbuild it may drop the unused ones.
import { readFile } from 'node:fs/promises';

const SCHEMA_MODULE =
  /[\\/]node_modules[\\/]@aws-sdk[\\/][^\\/]+[\\/]dist-es[\\/](?:submodules[\\/][^\\/]+[\\/])?schemas[\\/]schemas_\d+\.js$/;
const DECLARATION = /^((?:export )?(?:var|const) [A-Za-z_$][\w$]* = )([\s\S]*?);?\s*$/;

/** Rewrites one schema module's top-level `var X = <expr>;` statements as `var X = /* @__PURE__ *\/ (() => (<expr>))();`. */
export function markSchemaDeclarationsPure(source) {
  const statements = [];
  for (const line of source.split('\n')) {
    // Top-level statements start at column 0; their continuation lines are indented or close with `];`.
    if (statements.length > 0 && (/^\s/.test(line) || /^[\])}]/.test(line) || line === '')) {
      statements[statements.length - 1] += `\n${line}`;
    } else {
      statements.push(line);
    }
  }
  return statements
    .map((statement) => {
      const match = DECLARATION.exec(statement);
      if (!match || /^(?:export )?const _\w* = "[^"]*";$/.test(statement.trim())) return statement;
      const [, head, expression] = match;
      if (/^\s*new\s/.test(expression)) return statement; // the TypeRegistry: a real side effect
      return `${head}/* @__PURE__ */ (() => (${expression}))();`;
    })
    .join('\n');
}

export const pureSdkSchemas = {
  name: 'pure-sdk-schemas',
  setup(build) {
    build.onLoad({ filter: SCHEMA_MODULE }, async (args) => ({
      contents: markSchemaDeclarationsPure(await readFile(args.path, 'utf8')),
      loader: 'js',
    }));
  },
};
