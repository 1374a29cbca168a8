export * from './common';
export * from './detections';
export * from './tracks';
export * from './faces';
export * from './identities';
export * from './cleanup';
export * from './screentime';
export * from './cast';
