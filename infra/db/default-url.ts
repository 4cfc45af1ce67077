/** Where MySQL is when MYSQL_URL is not set (API.md): the local server, database `flashsale`. */
export const DEFAULT_MYSQL_URL = 'mysql://root@127.0.0.1:3306/flashsale';
