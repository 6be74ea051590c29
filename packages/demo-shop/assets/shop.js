/*
 * Chaya, the Omotenashi demo shop: a few pages routed on the client with the history API, so the
 * widget's single-page-app tracking sees every route change, and every /demo/* URL also works on
 * a full reload (the server answers them all with the same page). The cart, the orders and the
 * signed-in demo customer live in localStorage. Commerce events follow Segment's e-commerce names.
 */
(function () {
  'use strict';

  // ---- Omotenashi: the queued-call snippet (docs/widget.md) ----------------------------------
  // The widget loads async; until it has, calls wait in Omotenashi.q and the loader replays them.
  window.Omotenashi = window.Omotenashi || { q: [] };
  function om(method) {
    var args = Array.prototype.slice.call(arguments, 1);
    var o = window.Omotenashi;
    if (o && typeof o[method] === 'function') {
      try { o[method].apply(o, args); } catch (err) { console.warn('Omotenashi.' + method + ' failed', err); }
    } else {
      (o.q = o.q || []).push([method].concat(args));
    }
  }

  // ---- Data ---------------------------------------------------------------------------------
  var catalogue = JSON.parse(document.getElementById('demo-catalogue').textContent);
  var CURRENCY = catalogue.currency;
  var PRODUCTS = catalogue.products;
  var BASE = '/demo';
  function product(slug) { return PRODUCTS.find(function (p) { return p.slug === slug; }) || null; }
  function money(n) { return new Intl.NumberFormat('en-IE', { style: 'currency', currency: CURRENCY }).format(n); }

  function load(key, fallback) {
    try { var v = JSON.parse(localStorage.getItem(key)); return v === null ? fallback : v; } catch (e) { return fallback; }
  }
  function save(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* private mode: the page still works */ }
  }
  var cart = load('chaya.cart', []).filter(function (l) { return product(l.slug) && l.quantity > 0; });
  function saveCart() { save('chaya.cart', cart); updateCartCount(); }
  function cartLines() { return cart.map(function (l) { return { p: product(l.slug), quantity: l.quantity }; }); }
  function cartTotal() { return cartLines().reduce(function (s, l) { return s + l.p.price * l.quantity; }, 0); }
  function cartCount() { return cart.reduce(function (s, l) { return s + l.quantity; }, 0); }
  function props(p, quantity) {
    return { product_id: p.slug, sku: p.slug, name: p.name, category: p.category, price: p.price, quantity: quantity || 1, currency: CURRENCY, url: BASE + '/products/' + p.slug };
  }
  function cartProducts() { return cartLines().map(function (l) { return props(l.p, l.quantity); }); }

  // Demo customers for "sign in". Hana's birthday is always next week, so the birthday playbook
  // has someone to notice (it needs a past order too: place one as Hana).
  function inDays(n) {
    var d = new Date(Date.now() + n * 86400000);
    return '1990-' + String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0');
  }
  var USERS = [
    { id: 'demo-hana', name: 'Hana Sato', email: 'hana@example.jp', note: 'birthday next week', traits: function () { return { birthday: inDays(6) }; } },
    { id: 'demo-ana', name: 'Ana Sousa', email: 'ana@example.pt', note: 'a regular from Lisbon', traits: function () { return {}; } },
    { id: 'demo-kenji', name: 'Kenji Watanabe', email: 'kenji@example.jp', note: 'first visit', traits: function () { return {}; } },
  ];
  var user = load('chaya.user', null);

  // ---- DOM helpers --------------------------------------------------------------------------
  function h(tag, attrs) {
    var el = document.createElement(tag);
    for (var k in attrs || {}) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) continue;
      if (k === 'on') for (var ev in v) el.addEventListener(ev, v[ev]);
      else if (k === 'text') el.textContent = v;
      else el.setAttribute(k, v === true ? '' : v);
    }
    for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  }
  function append(el, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { append(el, c); }); return; }
    el.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
  var SVG = 'http://www.w3.org/2000/svg';
  function s(tag, attrs) {
    var el = document.createElementNS(SVG, tag);
    for (var k in attrs) el.setAttribute(k, attrs[k]);
    for (var i = 2; i < arguments.length; i++) el.appendChild(arguments[i]);
    return el;
  }
  /** A drawing stands in for a product photo: no image files to ship, and it scales. */
  function art(p) {
    var c = p.colour, a = p.accent, ink = '#2b2a27';
    var shapes;
    switch (p.kind) {
      case 'teapot':
        shapes = [s('ellipse', { cx: 100, cy: 112, rx: 58, ry: 46, fill: c }), s('rect', { x: 78, y: 56, width: 44, height: 14, rx: 6, fill: c }),
          s('circle', { cx: 100, cy: 50, r: 7, fill: ink }), s('path', { d: 'M44 104 L14 82 L20 76 L50 92', fill: c }),
          s('rect', { x: 150, y: 96, width: 42, height: 12, rx: 6, fill: ink, transform: 'rotate(-20 150 100)' }),
          s('path', { d: 'M62 118 q38 16 76 0', stroke: a, 'stroke-width': 4, fill: 'none' })];
        break;
      case 'bowl':
        shapes = [s('path', { d: 'M30 80 h140 a70 62 0 0 1 -140 0z', fill: c }), s('ellipse', { cx: 100, cy: 80, rx: 70, ry: 12, fill: a }),
          s('ellipse', { cx: 100, cy: 80, rx: 56, ry: 8, fill: '#7fa045' }), s('rect', { x: 80, y: 138, width: 40, height: 10, rx: 4, fill: c })];
        break;
      case 'whisk': {
        shapes = [s('rect', { x: 90, y: 20, width: 20, height: 80, rx: 8, fill: c })];
        for (var i = 0; i < 9; i++) shapes.push(s('path', { d: 'M100 96 Q' + (60 + i * 10) + ' 130 ' + (66 + i * 8.5) + ' 168', stroke: a === '#f6ecd2' ? '#b89a5e' : a, 'stroke-width': 4, fill: 'none', 'stroke-linecap': 'round' }));
        break;
      }
      case 'cups':
        shapes = [s('path', { d: 'M40 60 h54 l-6 96 h-42z', fill: c }), s('path', { d: 'M106 74 h50 l-5 82 h-40z', fill: a }),
          s('path', { d: 'M48 90 q19 10 38 0 M114 100 q18 8 36 0', stroke: '#fff', 'stroke-width': 4, fill: 'none' })];
        break;
      default: // tea: a tin with a paper label and a leaf
        shapes = [s('rect', { x: 56, y: 34, width: 88, height: 132, rx: 12, fill: c }), s('rect', { x: 52, y: 26, width: 96, height: 18, rx: 6, fill: ink }),
          s('rect', { x: 66, y: 70, width: 68, height: 70, rx: 4, fill: a }),
          s('path', { d: 'M82 124 C82 96 104 84 120 82 C118 104 106 122 82 124z', fill: c }), s('path', { d: 'M84 122 L114 90', stroke: a, 'stroke-width': 2 })];
    }
    var svg = s.apply(null, ['svg', { viewBox: '0 0 200 190', role: 'img', 'aria-label': p.name }].concat(shapes));
    return h('div', { class: 'art' }, svg);
  }

  var toastTimer = null;
  function toast(text) {
    var t = document.getElementById('toast');
    t.textContent = text;
    t.classList.add('show');
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { t.classList.remove('show'); }, 2600);
  }
  function updateCartCount() { document.getElementById('cart-count').textContent = String(cartCount()); }
  function updateAccount() {
    var b = document.getElementById('account');
    b.textContent = user ? 'Sign out (' + user.name.split(' ')[0] + ')' : 'Sign in';
  }

  // ---- Router -------------------------------------------------------------------------------
  var main = document.getElementById('main');
  var routes = [
    [/^\/?$/, home],
    [/^\/products\/([a-z0-9-]+)\/?$/, productPage],
    [/^\/cart\/?$/, cartPage],
    [/^\/checkout\/?$/, checkoutPage],
    [/^\/checkout\/payment\/?$/, paymentPage],
    [/^\/orders\/([A-Za-z0-9-]+)\/?$/, orderPage],
    [/^\/returns\/?$/, returnsPage],
    [/^\/help\/?$/, helpPage],
  ];
  function render(focus) {
    var path = location.pathname.indexOf(BASE) === 0 ? location.pathname.slice(BASE.length) : location.pathname;
    var view = notFound, params = [];
    for (var i = 0; i < routes.length; i++) {
      var m = routes[i][0].exec(path);
      if (m) { view = routes[i][1]; params = m.slice(1); break; }
    }
    main.replaceChildren();
    append(main, view.apply(null, params));
    document.querySelectorAll('header nav a').forEach(function (a) {
      var here = a.getAttribute('href') === location.pathname || (a.getAttribute('href') === BASE + '/' && path === '');
      if (here) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
    });
    var h1 = main.querySelector('h1');
    document.title = (h1 ? h1.textContent + ' — ' : '') + 'Chaya';
    if (focus) { window.scrollTo(0, 0); main.focus({ preventScroll: true }); }
  }
  function go(url) {
    if (url === location.pathname + location.search) return;
    history.pushState(null, '', url);
    render(true);
  }
  document.addEventListener('click', function (e) {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    var a = e.target.closest && e.target.closest('a[href]');
    if (!a || a.target || a.hasAttribute('download')) return;
    var url = new URL(a.href, location.href);
    if (url.origin !== location.origin || (url.pathname !== BASE && url.pathname.indexOf(BASE + '/') !== 0)) return;
    if (url.pathname.indexOf(BASE + '/assets/') === 0) return;
    e.preventDefault();
    go(url.pathname + url.search);
  });
  window.addEventListener('popstate', function () { render(true); });

  // ---- Pages --------------------------------------------------------------------------------
  function productCard(p) {
    return h('a', { class: 'card', href: BASE + '/products/' + p.slug, 'data-testid': 'product-link' }, art(p),
      h('div', { class: 'body' }, h('span', { class: 'tag', text: p.category }), h('h3', { text: p.name }), h('div', { class: 'ja', text: p.jaName }),
        h('p', { class: 'muted', text: p.summary }), h('span', { class: 'price', text: money(p.price) })));
  }

  function home() {
    om('track', 'Product List Viewed', { list_id: 'all', category: 'all', products: PRODUCTS.map(function (p, i) { var x = props(p); x.position = i + 1; return x; }) });
    return [
      h('section', { class: 'hero' },
        h('div', null, h('h1', { text: 'Tea, and the things to enjoy it with' }),
          h('p', { text: 'Small-farm Japanese teas and tableware from Tokoname, Hagi and Mino. Browse, fill a basket, and take your time on the payment step: this shop looks after its guests.' }),
          h('a', { class: 'button', href: BASE + '/products/sencha-asatsuyu', text: 'Start with sencha' })),
        art(PRODUCTS[5])),
      h('h2', { text: 'Tea' }), h('div', { class: 'grid' }, PRODUCTS.filter(function (p) { return p.category === 'Tea'; }).map(productCard)),
      h('h2', { text: 'Tableware' }), h('div', { class: 'grid' }, PRODUCTS.filter(function (p) { return p.category !== 'Tea'; }).map(productCard)),
    ];
  }

  function productPage(slug) {
    var p = product(slug);
    if (!p) return notFound();
    om('track', 'Product Viewed', props(p));
    var qty = h('input', { type: 'number', min: '1', max: '20', value: '1', 'aria-label': 'Quantity', id: 'quantity' });
    return h('div', null,
      h('p', { class: 'crumbs' }, h('a', { href: BASE + '/', text: 'Shop' }), ' / ' + p.category),
      h('div', { class: 'product' }, art(p),
        h('div', null, h('span', { class: 'tag', text: p.category }), h('h1', { text: p.name }), h('div', { class: 'ja', text: p.jaName }),
          h('p', { text: p.description }), h('p', { class: 'price', text: money(p.price) }),
          h('div', { class: 'buy' }, qty,
            h('button', { type: 'button', 'data-testid': 'add-to-cart', on: { click: function () {
              var n = Math.max(1, Math.min(20, parseInt(qty.value, 10) || 1));
              var line = cart.find(function (l) { return l.slug === p.slug; });
              if (line) line.quantity += n; else cart.push({ slug: p.slug, quantity: n });
              saveCart();
              om('track', 'Product Added', Object.assign(props(p, n), { cart_id: 'chaya' }));
              toast('Added ' + n + ' × ' + p.name + ' to your cart');
            } } }, 'Add to cart'),
            h('a', { href: BASE + '/cart', class: 'button secondary', text: 'View cart' })),
          h('p', { class: 'note', text: 'Free shipping in the EU from €40. Delivered in 2–4 days, carefully wrapped.' }))));
  }

  function cartPage() {
    om('track', 'Cart Viewed', { cart_id: 'chaya', products: cartProducts(), currency: CURRENCY });
    if (cart.length === 0) {
      return [h('h1', { text: 'Your cart' }), h('p', { class: 'muted', text: 'Your cart is empty.' }), h('a', { class: 'button', href: BASE + '/', text: 'Browse the shop' })];
    }
    function change(slug, delta) {
      var line = cart.find(function (l) { return l.slug === slug; });
      var p = product(slug);
      if (!line || !p) return;
      line.quantity += delta;
      if (delta > 0) om('track', 'Product Added', Object.assign(props(p, delta), { cart_id: 'chaya' }));
      else om('track', 'Product Removed', Object.assign(props(p, -delta), { cart_id: 'chaya' }));
      cart = cart.filter(function (l) { return l.quantity > 0; });
      saveCart();
      render(false);
    }
    var rows = cartLines().map(function (l) {
      return h('tr', null,
        h('td', null, h('a', { href: BASE + '/products/' + l.p.slug, text: l.p.name })),
        h('td', null, h('span', { class: 'qty' },
          h('button', { type: 'button', class: 'secondary', 'aria-label': 'One fewer ' + l.p.name, on: { click: function () { change(l.p.slug, -1); } } }, '−'),
          h('span', { text: String(l.quantity) }),
          h('button', { type: 'button', class: 'secondary', 'aria-label': 'One more ' + l.p.name, on: { click: function () { change(l.p.slug, 1); } } }, '+'))),
        h('td', { class: 'num', text: money(l.p.price * l.quantity) }));
    });
    return [h('h1', { text: 'Your cart' }),
      h('div', { class: 'two' },
        h('div', { class: 'panel' }, h('table', { class: 'lines' }, h('tbody', null, rows))),
        h('div', { class: 'panel' }, h('div', { class: 'total' }, h('span', { text: 'Total' }), h('span', { text: money(cartTotal()) })),
          h('a', { class: 'button', href: BASE + '/checkout', 'data-testid': 'checkout', text: 'Checkout' }),
          h('p', { class: 'note', text: 'Taxes included. You can pay by card, bank transfer, PayPal or on delivery.' })))];
  }

  function steps(current) {
    return h('ol', { class: 'steps' }, ['Details', 'Payment', 'Done'].map(function (name, i) {
      return h('li', { 'aria-current': i === current ? 'step' : null, text: (i + 1) + '. ' + name });
    }));
  }
  function summary() {
    return h('div', { class: 'panel' }, h('h2', { text: 'Summary' }),
      h('table', { class: 'lines' }, h('tbody', null, cartLines().map(function (l) {
        return h('tr', null, h('td', { text: l.quantity + ' × ' + l.p.name }), h('td', { class: 'num', text: money(l.p.price * l.quantity) }));
      }))),
      h('div', { class: 'total' }, h('span', { text: 'Total' }), h('span', { text: money(cartTotal()) })));
  }
  function emptyCheckout() {
    return [h('h1', { text: 'Checkout' }), h('p', { class: 'muted', text: 'Your cart is empty, so there is nothing to pay for yet.' }), h('a', { class: 'button', href: BASE + '/', text: 'Browse the shop' })];
  }

  function checkoutPage() {
    if (cart.length === 0) return emptyCheckout();
    om('track', 'Checkout Started', { checkout_id: 'chaya', value: cartTotal(), revenue: cartTotal(), currency: CURRENCY, products: cartProducts() });
    om('track', 'Checkout Step Viewed', { checkout_id: 'chaya', step: 1 });
    var details = load('chaya.details', { name: user ? user.name : '', email: user ? user.email : '', address: '', city: '' });
    function field(label, name, type) {
      return h('label', null, label, h('input', { name: name, type: type || 'text', required: true, value: details[name] || '', autocomplete: name === 'address' ? 'street-address' : name }));
    }
    var form = h('form', { class: 'stack panel', on: { submit: function (e) {
      e.preventDefault();
      var data = new FormData(form);
      save('chaya.details', { name: data.get('name'), email: data.get('email'), address: data.get('address'), city: data.get('city') });
      om('track', 'Checkout Step Completed', { checkout_id: 'chaya', step: 1, shipping_method: data.get('shipping') });
      go(BASE + '/checkout/payment');
    } } },
      h('h2', { text: 'Where shall we send it?' }),
      field('Full name', 'name'), field('Email', 'email', 'email'), field('Address', 'address'), field('City and postcode', 'city'),
      h('label', null, 'Delivery', h('select', { name: 'shipping' }, h('option', { value: 'standard', text: 'Standard, 2–4 days' }), h('option', { value: 'express', text: 'Express, next day' }))),
      h('button', { type: 'submit', 'data-testid': 'to-payment', text: 'Continue to payment' }));
    return [h('h1', { text: 'Checkout' }), steps(0), h('div', { class: 'two' }, form, summary())];
  }

  function paymentPage() {
    if (cart.length === 0) return emptyCheckout();
    om('track', 'Checkout Step Viewed', { checkout_id: 'chaya', step: 2 });
    var methods = [['card', 'Card'], ['bank_transfer', 'Bank transfer'], ['paypal', 'PayPal'], ['cod', 'Pay on delivery']];
    var cardFields = h('div', { id: 'card-fields' },
      h('label', null, 'Card number', h('input', { name: 'card', inputmode: 'numeric', autocomplete: 'cc-number', placeholder: '4242 4242 4242 4242' })),
      h('div', { class: 'row' },
        h('label', null, 'Expiry', h('input', { name: 'expiry', autocomplete: 'cc-exp', placeholder: 'MM / YY' })),
        h('label', null, 'CVC', h('input', { name: 'cvc', inputmode: 'numeric', autocomplete: 'cc-csc', placeholder: '123' }))));
    var form = h('form', { class: 'stack panel checkout-payment', on: {
      change: function (e) {
        if (e.target.name === 'method') cardFields.hidden = e.target.value !== 'card';
      },
      submit: function (e) {
        e.preventDefault();
        var method = new FormData(form).get('method');
        om('track', 'Payment Info Entered', { checkout_id: 'chaya', step: 2, payment_method: method });
        placeOrder(method);
      },
    } },
      h('h2', { text: 'How would you like to pay?' }),
      h('fieldset', { class: 'methods' }, h('legend', { text: 'Payment method' }), methods.map(function (m, i) {
        return h('label', null, h('input', { type: 'radio', name: 'method', value: m[0], checked: i === 0 }), m[1]);
      })),
      cardFields,
      h('p', { class: 'note', text: 'This is a demo: no card is charged and no number is stored. Wait here a few seconds to see how the shop offers help.' }),
      h('button', { type: 'submit', 'data-testid': 'pay', text: 'Pay ' + money(cartTotal()) }));
    return [h('h1', { text: 'Payment' }), steps(1), h('div', { class: 'two' }, form, summary())];
  }

  function placeOrder(method) {
    var number = 'CH-' + String(Date.now()).slice(-6);
    var promised = new Date(Date.now() + 4 * 86400000).toISOString().slice(0, 10);
    var order = { number: number, placedAt: new Date().toISOString(), promised: promised, method: method, total: cartTotal(), lines: cart.slice() };
    om('track', 'Order Completed', { order_id: number, checkout_id: 'chaya', total: order.total, revenue: order.total, currency: CURRENCY, products: cartProducts(), payment_method: method, promised_delivery_date: promised });
    var orders = load('chaya.orders', []);
    orders.unshift(order);
    save('chaya.orders', orders.slice(0, 20));
    cart = [];
    saveCart();
    go(BASE + '/orders/' + number);
  }

  function orderPage(number) {
    var order = load('chaya.orders', []).find(function (o) { return o.number === number; });
    if (!order) {
      return [h('h1', { text: 'Order ' + number }), h('p', { text: 'We could not find this order in this browser. Orders placed in the demo shop are kept on this device only.' }),
        h('a', { href: BASE + '/help', text: 'Ask for help with an order' })];
    }
    var today = new Date().toISOString().slice(0, 10);
    var late = today > order.promised;
    return [h('h1', { text: 'Thank you — order ' + order.number }), steps(2),
      h('div', { class: 'two' },
        h('div', { class: 'panel' },
          h('p', { text: 'Placed on ' + new Date(order.placedAt).toLocaleString() + ', ' + money(order.total) + '.' }),
          h('ol', { class: 'timeline' },
            h('li', { class: 'done', text: 'Order received' }),
            h('li', { class: 'done', text: 'Packed with care' }),
            h('li', { class: late ? 'late' : '', text: late ? 'Running late: it was promised by ' + order.promised + '. We are on it.' : 'On its way, promised by ' + order.promised })),
          h('p', null, 'Something not right? ', h('a', { href: BASE + '/returns', text: 'Returns' }), ' · ', h('a', { href: BASE + '/help', text: 'Help' }))),
        h('div', { class: 'panel' }, h('h2', { text: 'Items' }), h('table', { class: 'lines' }, h('tbody', null, order.lines.map(function (l) {
          var p = product(l.slug);
          return p ? h('tr', null, h('td', { text: l.quantity + ' × ' + p.name }), h('td', { class: 'num', text: money(p.price * l.quantity) })) : null;
        }))))),
    ];
  }

  function returnsPage() {
    var orders = load('chaya.orders', []);
    var form = h('form', { class: 'stack panel', on: { submit: function (e) {
      e.preventDefault();
      var data = new FormData(form);
      om('track', 'Return Requested', { order_id: data.get('order'), reason: data.get('reason') });
      toast('Thank you. We will email a return label within a day.');
      form.reset();
    } } },
      h('h2', { text: 'Start a return' }),
      h('label', null, 'Order number', h('input', { name: 'order', required: true, list: 'order-numbers', placeholder: 'CH-123456' })),
      h('datalist', { id: 'order-numbers' }, orders.map(function (o) { return h('option', { value: o.number }); })),
      h('label', null, 'Reason', h('select', { name: 'reason' },
        h('option', { value: 'damaged', text: 'It arrived damaged' }), h('option', { value: 'not_as_expected', text: 'Not what I expected' }), h('option', { value: 'other', text: 'Something else' }))),
      h('button', { type: 'submit', text: 'Request a return label' }));
    return [h('h1', { text: 'Returns' }),
      h('div', { class: 'two' },
        h('div', null,
          h('p', { text: 'You can return anything within 30 days, unopened tea included. Broken in the post? Send us a photo and we send a new one, no need to return the pieces.' }),
          h('ul', null, h('li', { text: 'Return shipping is free within the EU.' }), h('li', { text: 'Refunds reach your account within 5 working days of the parcel arriving.' }),
            h('li', { text: 'Handmade pieces vary a little: that is their charm, but if it is not right for you, send it back.' }))),
        form)];
  }

  function helpPage() {
    var faq = [
      ['How do I pay?', 'By card, bank transfer, PayPal or on delivery. If one does not work, another will: or ask us.'],
      ['When will my parcel arrive?', 'Usually in 2–4 days within the EU. Your order page shows the date we promised.'],
      ['How do I brew sencha?', 'About 4 g of leaves, 150 ml of water at 70 °C, one minute. The leaves give three infusions.'],
      ['Are the ceramics dishwasher-safe?', 'The Mino cups are; the Tokoname teapot and the Hagi bowl prefer a rinse with warm water.'],
    ];
    return [h('h1', { text: 'Help' }),
      h('div', { class: 'two' },
        h('div', { class: 'faq' }, faq.map(function (q) { return h('details', null, h('summary', { text: q[0] }), h('p', { text: q[1] })); })),
        h('div', { class: 'panel' }, h('h2', { text: 'Talk to a person' }),
          h('p', { text: 'A real person answers, usually within minutes during the day.' }),
          h('button', { type: 'button', 'data-testid': 'open-chat', on: { click: function () { om('open'); } } }, 'Chat with us')))];
  }

  function notFound() {
    return [h('h1', { text: 'Page not found' }), h('p', { text: 'This page is not in the shop. ' }), h('a', { class: 'button', href: BASE + '/', text: 'Back to the shop' })];
  }

  // ---- Sign in (demo customers) -------------------------------------------------------------
  var dialog = document.getElementById('sign-in-dialog');
  document.getElementById('demo-users').replaceChildren.apply(document.getElementById('demo-users'), USERS.map(function (u) {
    return h('button', { type: 'button', 'data-user': u.id, on: { click: function () {
      user = { id: u.id, name: u.name, email: u.email };
      save('chaya.user', user);
      om('identify', u.id, Object.assign({ name: u.name, email: u.email }, u.traits()));
      dialog.close();
      updateAccount();
      toast('Signed in as ' + u.name);
    } } }, u.name, h('small', { text: u.email + ' · ' + u.note }));
  }));
  document.getElementById('account').addEventListener('click', function () {
    if (user) {
      user = null;
      save('chaya.user', null);
      om('reset');
      updateAccount();
      toast('Signed out');
    } else if (typeof dialog.showModal === 'function') {
      dialog.showModal();
    }
  });

  updateCartCount();
  updateAccount();
  render(false);
})();
