// Every slice's selectors under one name, for components that read across slices.
import { castSelectors } from './cast/selectors';
import { episodeSelectors } from './episode/selectors';
import { reviewSelectors } from './review/selectors';
import { selectionSelectors } from './selection/selectors';

export type { DetailTrack, IdentityCardModel } from './episode/selectors';

export const selectors = { ...episodeSelectors, ...selectionSelectors, ...reviewSelectors, ...castSelectors };
