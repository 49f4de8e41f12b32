/**
 * The message catalogues of the pages: every text a page shows comes from here, in English and
 * in Vietnamese. A page's language is `?lang=` when given, else the first of the browser's
 * Accept-Language (RFC 9110 clause 12.5.4) the catalogues have, else English. Placeholders are
 * `{name}`; the values are escaped by the template that shows the message.
 */

/** The English catalogue, the reference: every other catalogue has exactly its keys. */
const EN = {
  'site.name': 'trustbridge',
  'site.tagline': 'Digital identity and trusted signatures',
  'layout.skip': 'Skip to main content',
  'layout.language': 'Language',
  'layout.footer': 'Public service pages of trustbridge. This site uses no scripts and no tracking.',
  'layout.footerCookie':
    'One cookie protects its forms against forgery; it is deleted when you close the browser.',
  'hub.context': 'Regional hub: {name}',
  'hub.title': 'Cooperation portal',
  'hub.intro':
    '{name} is the regional hub of this cooperation. It publishes the list of trusted lists that tells everyone which member countries’ trust lists count, and it witnesses the members’ transparency logs, so that a signature or an eID login made in one member country is recognised in all the others.',
  'hub.members.heading': 'Member countries',
  'hub.members.none': 'No member country has joined yet.',
  'hub.members.caption': 'Member countries, their status and their published lists',
  'hub.members.country': 'Country',
  'hub.members.status': 'Status',
  'hub.members.trustList': 'Trust list',
  'hub.members.log': 'Transparency log',
  'hub.members.trustListLink': 'Trust list of {country}',
  'hub.members.logLink': 'Log checkpoint of {country}',
  'hub.members.noLog': 'Not published',
  'status.active': 'Active',
  'status.suspended': 'Suspended',
  'status.removed': 'Removed',
  'hub.lotl.heading': 'List of trusted lists',
  'hub.lotl.text':
    'Validators load this signed list (ETSI TS 119 612) to find every member’s trust list. Its signer’s certificate is published beside it.',
  'hub.lotl.link': 'List of trusted lists (XML)',
  'hub.lotl.signer': 'Certificate of the list’s signer (PEM)',
  'hub.log.heading': 'The hub’s transparency log',
  'hub.log.text': 'Every change of membership and every list the hub publishes is recorded in its log.',
  'hub.log.link': 'Latest checkpoint of the hub’s log',
  'node.context': 'National eID services: {country}',
  'node.title': 'Digital identity services of {country}',
  'node.intro':
    'Here you can check a signed document and find the public information of {country}’s eID services.',
  'node.login.heading': 'Log in to public services with your eID',
  'node.login.text':
    'Online public services that accept the eID send you to this node’s login page when you choose to log in with your eID there. Start from the service you want to use; your wallet proves who you are, and you decide what is shared.',
  'node.validate.heading': 'Check a signed document',
  'node.validate.text':
    'Upload a signed document to see whether its signatures are valid, who signed it and when. The report follows the European standard ETSI EN 319 102-1.',
  'node.validate.file': 'Signed document',
  'node.validate.hint':
    'A signed PDF, a CMS (.p7s, .p7m), JSON (JWS) or XML signature, or an ASiC container, up to {size}.',
  'node.validate.submit': 'Check the document',
  'node.public.heading': 'Public information',
  'node.public.trustList': 'Trust list of {country} (XML)',
  'node.public.root': 'Root certificate of {country} (PEM)',
  'node.public.log': 'Latest checkpoint of the transparency log',
  'error.title': 'Request refused',
  'error.notFound': 'Page not found',
  'error.internal': 'Something went wrong',
  'error.code': 'Error code',
  'error.back': 'Back to the home page',
} as const;

/** A message key. */
export type MessageKey = keyof typeof EN;

/** A catalogue: one text for every key. */
export type Catalogue = Readonly<Record<MessageKey, string>>;

const VI: Catalogue = {
  'site.name': 'trustbridge',
  'site.tagline': 'Định danh điện tử và chữ ký số tin cậy',
  'layout.skip': 'Chuyển đến nội dung chính',
  'layout.language': 'Ngôn ngữ',
  'layout.footer':
    'Trang dịch vụ công của trustbridge. Trang này không dùng mã kịch bản và không theo dõi người dùng.',
  'layout.footerCookie':
    'Một cookie bảo vệ các biểu mẫu khỏi bị giả mạo; cookie bị xóa khi bạn đóng trình duyệt.',
  'hub.context': 'Trung tâm khu vực: {name}',
  'hub.title': 'Cổng hợp tác',
  'hub.intro':
    '{name} là trung tâm khu vực của hợp tác này. Trung tâm công bố danh sách các danh sách tin cậy, cho biết danh sách tin cậy của những quốc gia thành viên nào được công nhận, và chứng kiến nhật ký minh bạch của các thành viên, để chữ ký hoặc đăng nhập bằng định danh điện tử ở một quốc gia thành viên được công nhận ở tất cả các quốc gia khác.',
  'hub.members.heading': 'Các quốc gia thành viên',
  'hub.members.none': 'Chưa có quốc gia thành viên nào tham gia.',
  'hub.members.caption': 'Các quốc gia thành viên, trạng thái và các danh sách đã công bố',
  'hub.members.country': 'Quốc gia',
  'hub.members.status': 'Trạng thái',
  'hub.members.trustList': 'Danh sách tin cậy',
  'hub.members.log': 'Nhật ký minh bạch',
  'hub.members.trustListLink': 'Danh sách tin cậy của {country}',
  'hub.members.logLink': 'Điểm kiểm tra nhật ký của {country}',
  'hub.members.noLog': 'Chưa công bố',
  'status.active': 'Đang hoạt động',
  'status.suspended': 'Tạm đình chỉ',
  'status.removed': 'Đã rút khỏi',
  'hub.lotl.heading': 'Danh sách các danh sách tin cậy',
  'hub.lotl.text':
    'Các bộ kiểm tra chữ ký tải danh sách đã ký này (ETSI TS 119 612) để tìm danh sách tin cậy của từng thành viên. Chứng thư của người ký danh sách được công bố cùng với nó.',
  'hub.lotl.link': 'Danh sách các danh sách tin cậy (XML)',
  'hub.lotl.signer': 'Chứng thư của người ký danh sách (PEM)',
  'hub.log.heading': 'Nhật ký minh bạch của trung tâm',
  'hub.log.text': 'Mọi thay đổi về thành viên và mọi danh sách trung tâm công bố đều được ghi vào nhật ký.',
  'hub.log.link': 'Điểm kiểm tra mới nhất của nhật ký trung tâm',
  'node.context': 'Dịch vụ định danh điện tử quốc gia: {country}',
  'node.title': 'Dịch vụ định danh điện tử của {country}',
  'node.intro':
    'Tại đây bạn có thể kiểm tra một tài liệu đã ký và tìm thông tin công khai về dịch vụ định danh điện tử của {country}.',
  'node.login.heading': 'Đăng nhập dịch vụ công bằng định danh điện tử',
  'node.login.text':
    'Các dịch vụ công trực tuyến chấp nhận định danh điện tử sẽ chuyển bạn đến trang đăng nhập của nút này khi bạn chọn đăng nhập bằng định danh điện tử. Hãy bắt đầu từ dịch vụ bạn muốn dùng; ví của bạn chứng minh bạn là ai, và bạn quyết định thông tin nào được chia sẻ.',
  'node.validate.heading': 'Kiểm tra tài liệu đã ký',
  'node.validate.text':
    'Tải lên một tài liệu đã ký để xem các chữ ký có hợp lệ không, ai đã ký và ký khi nào. Báo cáo theo tiêu chuẩn châu Âu ETSI EN 319 102-1.',
  'node.validate.file': 'Tài liệu đã ký',
  'node.validate.hint':
    'Tệp PDF đã ký, chữ ký CMS (.p7s, .p7m), JSON (JWS) hoặc XML, hoặc gói ASiC, tối đa {size}.',
  'node.validate.submit': 'Kiểm tra tài liệu',
  'node.public.heading': 'Thông tin công khai',
  'node.public.trustList': 'Danh sách tin cậy của {country} (XML)',
  'node.public.root': 'Chứng thư gốc của {country} (PEM)',
  'node.public.log': 'Điểm kiểm tra mới nhất của nhật ký minh bạch',
  'error.title': 'Yêu cầu bị từ chối',
  'error.notFound': 'Không tìm thấy trang',
  'error.internal': 'Đã xảy ra lỗi',
  'error.code': 'Mã lỗi',
  'error.back': 'Quay lại trang chủ',
};

/** The languages of the pages. */
export type Lang = 'en' | 'vi';

/**
 * Every catalogue by language (a test checks each has exactly the English keys).
 *
 * @example
 * ```ts
 * CATALOGUES.vi['hub.title']; // 'Cổng hợp tác'
 * ```
 */
export const CATALOGUES: Readonly<Record<Lang, Catalogue>> = { en: EN, vi: VI };

/** The languages in the order the language switch lists them, each named in itself. */
export const LANGUAGES: readonly { lang: Lang; name: string }[] = [
  { lang: 'en', name: 'English' },
  { lang: 'vi', name: 'Tiếng Việt' },
];

const isLang = (x: string): x is Lang => Object.hasOwn(CATALOGUES, x);

/**
 * The language of a page: `?lang=` when it names a catalogue, else the browser's preferred one
 * we have (Accept-Language, by q-value), else English.
 *
 * @param query - the `lang` query parameter
 * @param acceptLanguage - the Accept-Language header
 * @example
 * ```ts
 * chooseLanguage(undefined, 'vi-VN,vi;q=0.9,en;q=0.8'); // 'vi'
 * ```
 */
export function chooseLanguage(query: unknown, acceptLanguage: string | undefined): Lang {
  if (typeof query === 'string' && isLang(query)) return query;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((item, i) => {
      const [tag = '', ...params] = item.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { primary: tag.trim().toLowerCase().split('-')[0]!, q: q === undefined ? 1 : Number(q), i };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return (ranked.find((x) => isLang(x.primary))?.primary as Lang | undefined) ?? 'en';
}

/**
 * A message in a language, its `{placeholders}` filled (left as they are when no value is given).
 *
 * @example
 * ```ts
 * message('en', 'node.title', { country: 'Viet Nam' }); // 'Digital identity services of Viet Nam'
 * ```
 */
export function message(lang: Lang, key: MessageKey, values: Record<string, string> = {}): string {
  return CATALOGUES[lang][key].replace(/\{(\w+)\}/g, (all, name: string) => values[name] ?? all);
}

/**
 * The name of a country in a language (Unicode CLDR through `Intl.DisplayNames`), or its code.
 *
 * @example
 * ```ts
 * countryName('en', 'VN'); // 'Vietnam'
 * ```
 */
export function countryName(lang: Lang, country: string): string {
  try {
    return new Intl.DisplayNames([lang], { type: 'region' }).of(country) ?? country;
  } catch {
    return country;
  }
}
