export * from "./roles.js";
export * from "./route.js";
export * from "./routes.js";
export * from "./http.js";
export * from "./groups.js";
export * from "./schedules.js";
