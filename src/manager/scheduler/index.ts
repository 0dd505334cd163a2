export { type Constraint, nodeMatches, parseConstraints } from "./constraints.ts";
