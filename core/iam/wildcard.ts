// IAM's glob: '*' matches any run of characters (including none, and across ':' and '/'), '?' matches
// exactly one character; nothing else is special.
// See "IAM JSON policy elements: Action" (wildcards) and "Resource" in the IAM User Guide.

/** Whether `value` matches the IAM wildcard `pattern`. Iterative, linear-ish: no regular expression. */
export function matchesWildcard(pattern: string, value: string, ignoreCase = false): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const v = ignoreCase ? value.toLowerCase() : value;
  let pi = 0;
  let vi = 0;
  let starAt = -1;
  let resumeAt = 0;
  while (vi < v.length) {
    const pc = p[pi];
    if (pc === '*') {
      starAt = pi++;
      resumeAt = vi;
    } else if (pc !== undefined && (pc === '?' || pc === v[vi])) {
      pi++;
      vi++;
    } else if (starAt >= 0) {
      pi = starAt + 1;
      vi = ++resumeAt;
    } else {
      return false;
    }
  }
  while (p[pi] === '*') pi++;
  return pi === p.length;
}

/** Whether the text has an IAM wildcard character. */
export function hasWildcard(text: string): boolean {
  return text.includes('*') || text.includes('?');
}

/** Whether the text consists of wildcards only ('*', '?*', …), i.e. matches (nearly) anything. */
export function isAllWildcard(text: string): boolean {
  return text.length > 0 && [...text].every((char) => char === '*' || char === '?') && text.includes('*');
}

/**
 * Whether an Action/NotAction pattern matches a concrete action such as 'elasticfilesystem:ClientMount'.
 * Action names and service prefixes are case-insensitive ("IAM JSON policy elements: Action").
 */
export function matchesAction(pattern: string, action: string): boolean {
  return matchesWildcard(pattern, action, true);
}
