import bcrypt from "bcryptjs";

const COST = 10;

export const hashPassword = (password: string) => bcrypt.hash(password, COST);
export const verifyPassword = (password: string, hash: string) => bcrypt.compare(password, hash);

/** A real hash of nothing, compared against when the account does not exist (same timing). */
export const DUMMY_HASH = "$2b$10$LvBDjswdIx0YEO7xLLPl3OTbJYRC.mlk0pxzpUsuSmfAWHc5VewXi";
