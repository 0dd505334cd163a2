export { newTask } from "./task.ts";
export { TASK_LOOP_NAMES, type TaskLoopsOptions, taskLoops } from "./task-loops.ts";
