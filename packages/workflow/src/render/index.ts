export { blockText, fenced, inline } from "./escape.js";
export {
  type LayerItem,
  renderCacheEntry,
  renderGroupPeer,
  renderLayerItem,
  renderMemoryHit,
  renderMessage,
  renderPaf,
} from "./items.js";
export {
  DATA_NOTICE,
  LAYER_TITLES,
  type RenderFormat,
  type RenderOptions,
  renderContext,
} from "./render-context.js";
export { sortKeys, stableJson } from "./stable-json.js";
