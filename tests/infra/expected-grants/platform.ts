/** Health and OpenAPI need nothing beyond the house defaults. */
export const platformGrants: Record<string, string[]> = {
  GetHealthFunction: [],
  GetOpenApiFunction: [],
};
