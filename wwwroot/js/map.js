// The project map: one Leaflet marker per photo with a GPS position, grouped by the marker-cluster plugin. The tiles
// come from the configured server; when they cannot load, the page says so and the markers still work.
import { getJson } from './lib/api.js';
import { formatWhen, plural, setText } from './lib/dom.js';

const root = document.querySelector('[data-map-page]');
const projectId = root.dataset.projectId;
const summary = root.querySelector('[data-map-summary]');
const tilesError = root.querySelector('[data-tiles-error]');
const mapError = root.querySelector('[data-map-error]');

async function start() {
  if (!window.L?.markerClusterGroup) {
    setText(mapError, 'The map could not start: its script did not load. Reload the page to try again.');
    return;
  }
  const L = window.L;
  const map = L.map(root.querySelector('[data-map]'), { zoomControl: true }).setView([20, 0], 2);
  let tileFailures = 0;
  L.tileLayer(root.dataset.tileUrl, { maxZoom: 19, attribution: root.dataset.tileAttribution })
    .on('tileerror', () => {
      tileFailures += 1;
      if (tileFailures === 1) {
        const host = new URL(root.dataset.tileUrl.replaceAll(/\{[a-z]\}/g, '0')).host;
        setText(tilesError, `The map's background could not load from ${host}, so it stays blank. The pins still show where each photo was taken.`);
      }
    })
    .addTo(map);

  let data;
  try {
    data = await getJson(`/api/projects/${projectId}/locations`);
  } catch (error) {
    setText(summary, '');
    setText(mapError, `The photos' locations could not be loaded. ${error.message}`);
    return;
  }

  const clusters = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 60 });
  const markers = new Map();
  for (const photo of data.photos) {
    const label = `${photo.fileName}, taken ${formatWhen(photo.takenAt)}${photo.milestone ? `, ${photo.milestone}` : ''}`;
    const marker = L.marker([photo.latitude, photo.longitude], { title: label, alt: label, keyboard: true });
    marker.on('click', () => { window.location.href = photo.pageUrl; });
    marker.on('add', () => marker.getElement()?.setAttribute('data-photo-marker', String(photo.id)));
    clusters.addLayer(marker);
    markers.set(photo.id, marker);
  }
  map.addLayer(clusters);

  const missing = data.withoutLocation ? ` ${plural(data.withoutLocation, 'photo')} without a GPS position ${data.withoutLocation === 1 ? 'is' : 'are'} not shown.` : '';
  setText(summary, data.photos.length
    ? `${plural(data.photos.length, 'photo')} on the map.${missing}`
    : `No photo of this project carries a GPS position yet.${missing}`);

  root.dataset.loaded = 'true';

  const wanted = Number(new URLSearchParams(window.location.search).get('photo'));
  if (wanted && markers.has(wanted)) {
    clusters.zoomToShowLayer(markers.get(wanted), () => markers.get(wanted).getElement()?.classList.add('marker-selected'));
  } else if (data.photos.length) {
    map.fitBounds(clusters.getBounds(), { padding: [30, 30], maxZoom: 17 });
  }
}

start();
