// IAM policy documents: parsing, concrete evaluation and whole-statement analysis.
export * from './analysis';
export * from './conditions';
export * from './errors';
export * from './evaluate';
export * from './policy-document';
export * from './resource-coverage';
export * from './wildcard';
