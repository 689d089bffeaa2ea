/**
 * A list of `T`'s keys that must name every one of them: `everyKeyOf<T>()(['a', 'b'])` fails to
 * type-check when `T` gains a key the list lacks (the error names it), or when the list names a key
 * `T` does not have. For lists that must follow a type: the attributes an index projects, the
 * personal attributes a scan looks for.
 */
export function everyKeyOf<T>() {
  return <const K extends readonly (keyof T)[]>(keys: K & (Exclude<keyof T, K[number]> extends never ? unknown : { readonly missing: Exclude<keyof T, K[number]> })): K => keys;
}
