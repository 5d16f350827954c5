// A worker file that forgets to call serve(): it exits at once.
export const nothing = true;
