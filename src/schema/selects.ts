// Whether a resolver's field selects a sub-field: lets a resolver skip work nobody asked for
// (SiteStats.breakdown counts unique users only when they are selected or sorted by).
import { type GraphQLResolveInfo, Kind, type SelectionSetNode } from 'graphql';

/** true when any of the field's nodes selects `name` directly, fragments included. */
export function selects(info: GraphQLResolveInfo, name: string): boolean {
  const seen = new Set<string>();
  const inSet = (set: SelectionSetNode | undefined): boolean => {
    if (!set) return false;
    for (const selection of set.selections) {
      switch (selection.kind) {
        case Kind.FIELD:
          if (selection.name.value === name) return true;
          break;
        case Kind.INLINE_FRAGMENT:
          if (inSet(selection.selectionSet)) return true;
          break;
        case Kind.FRAGMENT_SPREAD: {
          const fragment = selection.name.value;
          if (seen.has(fragment)) break;
          seen.add(fragment);
          if (inSet(info.fragments[fragment]?.selectionSet)) return true;
          break;
        }
      }
    }
    return false;
  };
  return info.fieldNodes.some((node) => inSet(node.selectionSet));
}
