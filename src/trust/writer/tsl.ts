/**
 * Builds the unsigned XML of a TrustServiceStatusList (ETSI TS 119 612 v2.4.1): a national
 * trusted list (providers and services) or a list of trusted lists (pointers only). The result is
 * deterministic and valid against `ts_119612v020401_xsd.xsd`; {@link signTsl} adds the XAdES
 * B-B enveloped signature of clause 5.7.
 */
import { TSL } from '../uris.js';
import type { TslDocument } from './model.js';
import { ROOT_NAMESPACES, schemeInformation } from './scheme_xml.js';
import { provider } from './services_xml.js';
import { TrustListPublishError } from './errors.js';
import { el, serializeXml } from './xml_writer.js';

/**
 * The unsigned list as UTF-8 text.
 *
 * @param doc - root Id, scheme information and providers
 * @returns the XML text (one root element TrustServiceStatusList, default namespace TSL)
 * @throws TrustListPublishError TL_INPUT_INVALID for values the schema or the standard refuses
 * @example
 * ```ts
 * const xml = buildTsl({ id: 'tl-PH-1', scheme, providers });
 * ```
 */
export function buildTsl(doc: TslDocument): string {
  if (!/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/.test(doc.id)) {
    throw new TrustListPublishError('TL_INPUT_INVALID', `list Id ${JSON.stringify(doc.id)} is not an xsd:ID`);
  }
  const providers = doc.providers ?? [];
  return serializeXml(
    el(
      TSL.rootElement,
      [...ROOT_NAMESPACES, ['Id', doc.id], ['TSLTag', TSL.tag]],
      schemeInformation(doc.scheme),
      providers.length > 0 && el('TrustServiceProviderList', [], ...providers.map(provider)),
    ),
  );
}
