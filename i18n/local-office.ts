/**
 * The office of a department that serves an area, as a letter names it: the counter an applicant
 * goes to is the local office whose officers' scope covers the case (README "Officer scope"), not
 * the city bureau. Police serve a city district through a sub-bureau (市公安局雁塔分局) and a county
 * through its own bureau (周至县公安局); the other departments through the area's bureau
 * (雁塔区人社局, 周至县住房管理部门).
 */
import type { Department, District, Locale, Town } from '../domain/vocabulary';
import { label } from './labels';

const SHORT: Record<Department, Record<Locale, string>> = {
  police: { 'zh-CN': '公安局', en: 'Public Security Bureau' },
  hrss: { 'zh-CN': '人社局', en: 'Human Resources and Social Security Bureau' },
  // Which bureau of a district or county keeps housing records varies (房管局, 住建局): the letter
  // names the function, as the applicant asks for it at the counter.
  housing: { 'zh-CN': '住房管理部门', en: 'housing office' },
  education: { 'zh-CN': '教育局', en: 'Education Bureau' },
};

export function localOffice(department: Department, area: Town | District, locale: Locale): string {
  const place = label('area', area, locale);
  const county = locale === 'zh-CN' ? place.endsWith('县') : place.endsWith('County');
  if (department === 'police' && !county) {
    // A district's police are a sub-bureau of the city bureau, named by the district's short name.
    return locale === 'zh-CN'
      ? `市公安局${place.replace(/区$/u, '')}分局`
      : `${place.replace(/ District$/u, '')} Branch of the Public Security Bureau`;
  }
  return locale === 'zh-CN' ? `${place}${SHORT[department][locale]}` : `${place} ${SHORT[department][locale]}`;
}
