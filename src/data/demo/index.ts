export { generateDemoData, DEMO_DEFAULTS, type DemoData, type DemoDataOptions } from './generate.js';
export { DEMO_GENRES, type DemoGenre } from './vocabulary.js';
export { DEMO_PERSONAS, type DemoPersona } from './people.js';
export { DEMO_EVENT_TYPES, DEMO_FEEDBACK_TYPES, type DemoEventType } from './events.js';
