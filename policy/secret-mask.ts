/** How every secret value is shown to policies and in the offline plan, the harness and its tests. */
export const SECRET_MASK = "[secret]";
