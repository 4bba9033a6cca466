/** Example concrete paths for route templates, for tests generated from the route table. */
export function examplePath(template: string): string {
  return template.replace(/\{(\w+)\}/g, (_m, name: string) =>
    name === "year" ? "2024" : name === "platform" ? "linkedin" : name === "month" ? "2024-01" : "00000000-0000-4000-8000-000000000000",
  );
}
