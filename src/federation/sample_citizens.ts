/**
 * The fictitious sample citizens of the demos: one list for the federation in a box and the
 * single-node demo, so both enrol the same people.
 */
import type { PersonInput } from '../eid/person.js';

/** Which demo enrols a sample citizen: the federation in a box, the single-node demo or both. */
export type SampleDemo = 'federation' | 'node';

/** A fictitious citizen and the demos that enrol them. */
export interface SampleCitizen {
  person: PersonInput;
  demos: readonly SampleDemo[];
}

/** A member country of the demos, with its fictitious citizens. */
export interface SampleCountry {
  country: string;
  name: string;
  citizens: readonly SampleCitizen[];
}

const BOTH: readonly SampleDemo[] = ['federation', 'node'];
const FEDERATION: readonly SampleDemo[] = ['federation'];
// The single-node demo shows one more citizen of its country than the federation does.
const NODE: readonly SampleDemo[] = ['node'];

/**
 * The countries of the federation in a box, in port order after the hub's; the first is the
 * country of the single-node demo.
 */
export const SAMPLE_COUNTRIES: readonly SampleCountry[] = [
  {
    country: 'PH',
    name: 'Republic of the Philippines',
    citizens: [
      {
        person: {
          givenNames: 'Maria Clara',
          familyName: 'Santos',
          birthDate: '1990-05-17',
          placeOfBirth: 'Quezon City',
          sex: 'F',
        },
        demos: BOTH,
      },
      {
        person: {
          givenNames: 'Jose',
          familyName: 'Rizal Mercado',
          birthDate: '1986-06-19',
          placeOfBirth: 'Calamba',
          sex: 'M',
        },
        demos: BOTH,
      },
      {
        person: {
          givenNames: 'Andrea',
          familyName: 'Bautista',
          birthDate: '2001-11-02',
          placeOfBirth: 'Cebu City',
          sex: 'F',
        },
        demos: NODE,
      },
    ],
  },
  {
    country: 'VN',
    name: 'Socialist Republic of Viet Nam',
    citizens: [
      {
        person: {
          givenNames: 'Lan',
          familyName: 'Nguyen Thi',
          birthDate: '1988-03-08',
          placeOfBirth: 'Ha Noi',
          sex: 'F',
        },
        demos: FEDERATION,
      },
      {
        person: {
          givenNames: 'Minh',
          familyName: 'Tran Van',
          birthDate: '1979-09-02',
          placeOfBirth: 'Da Nang',
          sex: 'M',
        },
        demos: FEDERATION,
      },
    ],
  },
  {
    country: 'BE',
    name: 'Kingdom of Belgium',
    citizens: [
      {
        person: {
          givenNames: 'Amélie',
          familyName: 'Dubois',
          birthDate: '1992-07-21',
          placeOfBirth: 'Liège',
          sex: 'F',
        },
        demos: FEDERATION,
      },
      {
        person: {
          givenNames: 'Pieter',
          familyName: 'Janssens',
          birthDate: '1984-11-15',
          placeOfBirth: 'Gent',
          sex: 'M',
        },
        demos: FEDERATION,
      },
    ],
  },
];

/**
 * The country of the single-node demo.
 *
 * @example
 * ```ts
 * console.log(DEMO_NODE_COUNTRY.country); // 'PH'
 * ```
 */
export const DEMO_NODE_COUNTRY: SampleCountry = SAMPLE_COUNTRIES[0]!;

/**
 * The citizens of `country` that `demo` enrols, in list order.
 *
 * @param country - a sample country
 * @param demo - the federation in a box or the single-node demo
 * @example
 * ```ts
 * const people = sampleCitizensOf(DEMO_NODE_COUNTRY, 'node'); // Santos, Rizal Mercado, Bautista
 * ```
 */
export function sampleCitizensOf(country: SampleCountry, demo: SampleDemo): PersonInput[] {
  return country.citizens.filter((c) => c.demos.includes(demo)).map((c) => c.person);
}
