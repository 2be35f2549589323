// Editors show TSDoc on hover: every public method of the SDK's resources and client carries one.
import { readdirSync, readFileSync } from 'node:fs';
import ts from 'typescript';
import { expect, test } from 'vitest';

const sourceFiles = [
  ...readdirSync(new URL('./resources/', import.meta.url))
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
    .map((name) => new URL(`./resources/${name}`, import.meta.url)),
  new URL('./client.ts', import.meta.url),
];

function isPublic(member: ts.ClassElement): boolean {
  const modifiers = ts.canHaveModifiers(member) ? ts.getModifiers(member) ?? [] : [];
  const hidden = modifiers.some((modifier) => modifier.kind === ts.SyntaxKind.PrivateKeyword || modifier.kind === ts.SyntaxKind.ProtectedKeyword);
  return !hidden && member.name !== undefined && !ts.isPrivateIdentifier(member.name);
}

/** `Class.method` for every public method or getter of an exported class that has no doc comment. */
function undocumentedMembers(file: URL): string[] {
  const source = ts.createSourceFile(file.pathname, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const missing: string[] = [];
  source.forEachChild((node) => {
    if (!ts.isClassDeclaration(node) || !node.name) return;
    const exported = ts.getModifiers(node)?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword);
    if (!exported) return;
    for (const member of node.members) {
      if (!(ts.isMethodDeclaration(member) || ts.isGetAccessorDeclaration(member)) || !isPublic(member)) continue;
      if (ts.getJSDocCommentsAndTags(member).length === 0) missing.push(`${node.name.text}.${member.name.getText(source)}`);
    }
  });
  return missing;
}

test('every public method of the client and its resources has a TSDoc comment', () => {
  expect(sourceFiles.length).toBeGreaterThan(3);
  expect(sourceFiles.flatMap(undocumentedMembers)).toEqual([]);
});
