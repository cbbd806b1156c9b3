/** The English half of a section is typed by the keys of its Chinese half: nothing missing, nothing extra. */
export type Catalogue<Z> = { readonly [K in keyof Z]: string };
